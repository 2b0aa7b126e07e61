package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// TestExamples builds each program under examples/ (a module of its own,
// written only against the library's public packages), runs it to
// synthesize its stack, and runs terraform init and validate on the result
// with the real providers. It also checks that each program links only its
// own target's provider bindings and never the project-file package.
// synth.Read refuses a stack whose tasks AWS would not start.
func TestExamples(t *testing.T) {
	inShortLane(t)
	cli := harnesstest.CLIConfigT(t)
	examples := filepath.Join(repoRoot, "examples")
	for _, ex := range []struct {
		name   string
		stacks []string
		// forbidden are import-path fragments the program must not link.
		forbidden []string
	}{
		{"cloudservice", []string{"shop"}, []string{"cdktf-provider-docker-go", "cdktf-provider-postgresql-go"}},
		{"onpremservice", []string{"home"}, []string{"cdktf-provider-aws-go"}},
		// Two APIs with their own databases and migrations and a site, on
		// both targets: what a new user writes first.
		{"twotargets", []string{"two-cloud", "two-home"}, nil},
	} {
		// One after another: the lane (inShortLane) may hold no subtest
		// that waits for a parallel slot.
		t.Run(ex.name, func(t *testing.T) {
			deps := goCmd(t, examples, "list", "-deps", "./"+ex.name)
			for _, f := range append(ex.forbidden, "homecloud-dev/fullstack/config", "gopkg.in/yaml") {
				if strings.Contains(deps, f) {
					t.Errorf("%s links %s", ex.name, f)
				}
			}
			bin := filepath.Join(t.TempDir(), ex.name)
			goCmd(t, examples, "build", "-o", bin, "./"+ex.name)
			out := t.TempDir()
			run := exec.Command(bin)
			run.Dir = filepath.Join(examples, ex.name)
			run.Env = append(os.Environ(), "CDKTF_OUTDIR="+out)
			if b, err := run.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", ex.name, err, b)
			}
			for _, name := range ex.stacks {
				stack, err := synth.Read(out, name)
				if err != nil {
					t.Fatalf("%s: %v", ex.name, err)
				}
				tf := &harness.Terraform{Dir: stack.Dir, CLIConfig: cli}
				if err := tf.Init(); err != nil {
					t.Fatal(err)
				}
				if err := tf.Validate(); err != nil {
					t.Fatalf("%s/%s: %v", ex.name, name, err)
				}
			}
		})
	}
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
