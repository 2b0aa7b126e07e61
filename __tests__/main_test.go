package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// repoRoot is the repository root (the parent of __tests__).
var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}()

// binary is the program built once for every test in this package.
var binary string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "fullstack-bin-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binary = filepath.Join(dir, "fullstack")
		build := exec.Command("go", "build", "-o", binary, ".")
		build.Dir = repoRoot
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}

// shortLane holds the short integration test that runs now.
var shortLane = make(chan struct{}, 1)

// inShortLane runs a short integration test beside the long suites (the
// on-prem and emulator ones start at once instead of after it), but one
// at a time with the other short ones: all at once they took the cores
// from the on-prem suite's first deploy, the critical path.
//
// A test waits for the lane holding a parallel slot, so the test command's
// -parallel is above the number of parallel tests (scripts/test), and a
// test in the lane has no parallel subtests: with -parallel 8 the waiting
// tests held every slot that TestExamples' parallel subtests needed, and
// the suite hung.
func inShortLane(t *testing.T) {
	t.Parallel()
	shortLane <- struct{}{}
	t.Cleanup(func() { <-shortLane })
}
