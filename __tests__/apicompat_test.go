package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/internal/apicheck"
)

const modulePath = "github.com/homecloud-dev/fullstack"

// apidiffBinary builds golang.org/x/exp's apidiff (the module's tool) into
// a temporary directory: it must also run in checkouts whose go.mod does
// not name it.
func apidiffBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "apidiff")
	run(t, repoRoot, "go", "build", "-o", bin, "golang.org/x/exp/cmd/apidiff")
	return bin
}

// run is runIn that fails the test when the command fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, code := runIn(t, dir, nil, name, args...)
	if code != 0 {
		t.Fatalf("%s %s (in %s): exit %d\n%s", name, strings.Join(args, " "), dir, code, out)
	}
	return out
}

// TestAPICompatibleWithLastVersion compares the exported API with the
// commit of CHANGELOG.md's last version: every incompatible change must be
// named in the Unreleased section, where its migration is written.
func TestAPICompatibleWithLastVersion(t *testing.T) {
	inShortLane(t)
	raw, err := os.ReadFile(filepath.Join(repoRoot, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := apicheck.LastVersion(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if exec.Command("git", "-C", repoRoot, "cat-file", "-e", v.Commit+"^{commit}").Run() != nil {
		t.Fatalf("version %s's commit %s is not in this clone (a shallow clone? git fetch --unshallow)", v.Number, v.Commit)
	}
	bin := apidiffBinary(t)
	old := filepath.Join(t.TempDir(), "v"+v.Number)
	run(t, repoRoot, "git", "worktree", "prune") // a checkout left by a killed run
	run(t, repoRoot, "git", "worktree", "add", "--detach", old, v.Commit)
	t.Cleanup(func() {
		exec.Command("git", "-C", repoRoot, "worktree", "remove", "--force", old).Run()
	})
	export := filepath.Join(t.TempDir(), "old.export")
	run(t, old, bin, "-m", "-w", export, modulePath)
	out := run(t, repoRoot, bin, "-m", "-incompatible", export, modulePath)
	changes := apicheck.Incompatible(out, modulePath)
	t.Logf("figure: %d incompatible changes since %s (%s)", len(changes), v.Number, v.Commit[:12])
	// The library's packages, which the changelog's names must tell
	// apart: the programs are no API (apicheck.CommandsDir).
	list := exec.Command("go", "list", "./...")
	list.Dir = repoRoot
	listed, err := list.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	var packages []string
	for _, p := range strings.Fields(string(listed)) {
		if rel := strings.TrimPrefix(p, modulePath+"/"); !strings.HasPrefix(rel, apicheck.CommandsDir) && !strings.Contains(rel, "node_modules/") {
			packages = append(packages, rel)
		}
	}
	for _, c := range apicheck.Unnamed(changes, apicheck.Unreleased(string(raw)), packages) {
		t.Errorf("incompatible since %s, and not named under Changed or Removed in CHANGELOG.md's Unreleased section: %s (write `%s` there with its migration)", v.Number, c.Line, c.Names(packages)[0])
	}
	t.Run("a break the changelog does not name is refused", func(t *testing.T) { checkRefusesUnnamedBreak(t, bin) })
}

// checkRefusesUnnamedBreak shows the check failing: a module whose
// function gains a result is refused until the changelog names it.
func checkRefusesUnnamedBreak(t *testing.T, bin string) {
	write := func(dir, src string) {
		for name, content := range map[string]string{"go.mod": "module example.com/lib\n\ngo 1.22\n", "greet/greet.go": src} {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	old, cur := t.TempDir(), t.TempDir()
	write(old, "package greet\n\n// Hello greets.\nfunc Hello(name string) string { return \"hello \" + name }\n")
	write(cur, "package greet\n\n// Hello greets, or fails on an empty name.\nfunc Hello(name string) (string, error) { return \"hello \" + name, nil }\n")
	export := filepath.Join(t.TempDir(), "old.export")
	run(t, old, bin, "-m", "-w", export, "example.com/lib")
	changes := apicheck.Incompatible(run(t, cur, bin, "-m", "-incompatible", export, "example.com/lib"), "example.com/lib")
	unnamed := apicheck.Unnamed(changes, "### Added\n- `greet.Bye`, and `greet.Hello` tells why.\n", nil)
	if len(unnamed) != 1 || unnamed[0].Name != "greet.Hello" {
		t.Fatalf("the changed signature is not refused: %+v", unnamed)
	}
	t.Logf("refused: %s", unnamed[0].Line)
	if left := apicheck.Unnamed(changes, "### Changed\n- `greet.Hello` returns an error. Migration: check it.\n", nil); len(left) != 0 {
		t.Errorf("named in the changelog and still refused: %+v", left)
	}
}
