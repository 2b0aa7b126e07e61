// Package harness runs the real components the tests (and the demo
// command) need: a free port, the local AWS emulator (moto_server), a
// Terraform CLI configuration that uses this machine's provider mirror, the
// Terraform CLI itself, and a throwaway PostgreSQL cluster.
//
// Everything started here is stopped by Stop or, in tests, by t.Cleanup, so
// a failing test leaves no process behind. The package is jsii-free.
package harness
