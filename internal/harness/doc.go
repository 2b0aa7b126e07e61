// Package harness runs the real components the tests, the demo command
// and the deploy commands need: a free port, the local AWS emulator
// (moto_server through emulator.py, which adds the calls moto lacks), a
// Terraform CLI configuration that uses this machine's provider mirrors,
// the Terraform CLI itself, a throwaway PostgreSQL cluster, a private
// Docker engine (and the docker CLI against any engine), and a copy of
// the repository's project for an on-prem deploy.
//
// Everything started here is stopped by Stop or, in tests, by t.Cleanup, so
// a failing test leaves no process behind. The package is jsii-free.
package harness
