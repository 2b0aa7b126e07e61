// Package tests holds the integration tests: the program and the real
// cdktf CLI end to end, terraform validate against the real AWS provider,
// and apply / re-plan / destroy against the local AWS emulator.
//
// Run them with the README's test command; `go test ./...` alone skips this
// directory because its name starts with '_'.
package tests
