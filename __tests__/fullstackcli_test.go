package tests

import (
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// cli is cmd/fullstack, built once for every test that runs it (a go run
// per call would build it each time).
var cli struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// fullstackCLI is the path of the built cmd/fullstack; it lives beside
// binary, so TestMain removes it.
func fullstackCLI(t testing.TB) string {
	t.Helper()
	cli.once.Do(func() {
		cli.path = filepath.Join(filepath.Dir(binary), "fullstack-cli")
		build := exec.Command("go", "build", "-o", cli.path, "./cmd/fullstack")
		build.Dir = repoRoot
		cli.out, cli.err = build.CombinedOutput()
	})
	if cli.err != nil {
		t.Fatalf("go build ./cmd/fullstack: %v\n%s", cli.err, cli.out)
	}
	return cli.path
}
