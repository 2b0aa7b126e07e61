package harness

import "testing"

// The T variants start a component for one test (or TestMain-owned
// helper) and register its stop with t.Cleanup, so it is stopped even when
// the test fails.

// EmulatorT starts moto_server for t.
func EmulatorT(t testing.TB) *Emulator {
	t.Helper()
	e, err := StartEmulator(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	return e
}

// PostgresT starts a throwaway PostgreSQL for t.
func PostgresT(t testing.TB, opts PostgresOptions) *Postgres {
	t.Helper()
	pg, err := StartPostgres(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)
	return pg
}

// CLIConfigT writes a Terraform CLI configuration for t.
func CLIConfigT(t testing.TB) string {
	t.Helper()
	path, err := WriteCLIConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return path
}
