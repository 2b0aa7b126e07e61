// Package harnesstest starts the harness's components for one test: each
// registers its stop with t.Cleanup, so it is stopped even when the test
// fails. It is test support: the harness itself (which the main job also
// runs) does not link the testing package.
package harnesstest

import (
	"testing"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// The T variants start a component for one test (or TestMain-owned
// helper) and register its stop with t.Cleanup, so it is stopped even when
// the test fails.

// EmulatorT starts moto_server for t.
func EmulatorT(t testing.TB) *harness.Emulator {
	t.Helper()
	return emulatorT(t, harness.StartEmulator)
}

// BackgroundEmulatorT starts moto_server for t at harness.BackgroundNice.
func BackgroundEmulatorT(t testing.TB) *harness.Emulator {
	t.Helper()
	return emulatorT(t, harness.StartBackgroundEmulator)
}

func emulatorT(t testing.TB, start func(dir string) (*harness.Emulator, error)) *harness.Emulator {
	t.Helper()
	e, err := start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

// PostgresT starts a throwaway PostgreSQL for t.
func PostgresT(t testing.TB, opts harness.PostgresOptions) *harness.Postgres {
	t.Helper()
	pg, err := harness.StartPostgres(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)
	return pg
}

// CLIConfigT writes a Terraform CLI configuration for t.
func CLIConfigT(t testing.TB) string {
	t.Helper()
	path, err := harness.WriteCLIConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}
