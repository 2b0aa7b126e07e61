package tests

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs name with args in dir with extra environment, returning
// stdout+stderr and the exit code.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out.String(), 0
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const badProject = `project: Shop
typo: true
cloud:
  region: europe
  vpc_cidr: 10.0.0.0/33
apps:
  - {name: api, kind: api, port: 70000}
  - {name: api, kind: worker}
`

// Each bad input from the foundation issue appears once, all together.
var badProjectProblems = []string{
	`bad.yaml:1: project: "Shop" is not a lowercase DNS label`,
	`bad.yaml:2: typo: is not a known key here`,
	`bad.yaml:4: cloud.region: "europe" is not an AWS region name`,
	`bad.yaml:5: cloud.vpc_cidr: "10.0.0.0/33" is not an IPv4 CIDR block`,
	`bad.yaml:7: apps[0].port: 70000 is not a valid TCP port`,
	`bad.yaml:8: apps[1].name: "api" is already the name of apps[0]`,
	`bad.yaml:8: apps[1].kind: "worker" is not an app kind`,
}

func assertCleanFailure(t *testing.T, out string, code int, dir string, want []string) {
	t.Helper()
	if code == 0 {
		t.Fatalf("bad project accepted:\n%s", out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	for _, trace := range []string{"goroutine ", "panic:", ".go:"} {
		if strings.Contains(out, trace) {
			t.Errorf("output shows a Go stack trace (%q):\n%s", trace, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); !os.IsNotExist(err) {
		t.Errorf("a rejected project left cdktf.out behind (stat: %v)", err)
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

func TestProgramRejectsBadProjectWithAllProblems(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bad.yaml"), badProject)
	out, code := runIn(t, dir, nil, binary, "-project", "bad.yaml")
	assertCleanFailure(t, out, code, dir, badProjectProblems)
}

func TestProgramRejectsMissingFile(t *testing.T) {
	dir := t.TempDir()
	out, code := runIn(t, dir, []string{"FULLSTACK_PROJECT=missing.yaml"}, binary)
	assertCleanFailure(t, out, code, dir, []string{"missing.yaml: project file: does not exist"})
}

func TestProgramRejectsYAMLSyntaxError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fullstack.yaml"), "project: shop\napps:\n  - name: [oops\n")
	out, code := runIn(t, dir, nil, binary)
	assertCleanFailure(t, out, code, dir, []string{"fullstack.yaml:2: YAML: syntax error"})
}

// TestProgramSynthesizesAllStacks runs the program on the repository's
// project from another directory (migrations and app sources resolve
// against the project file; cdktf.out is written in the working directory).
// TestCdktfCLI covers the default file name in the project directory.
func TestProgramSynthesizesAllStacks(t *testing.T) {
	inShortLane(t)
	dir := t.TempDir()
	out, code := runIn(t, dir, []string{"FULLSTACK_AWS_ENDPOINT=http://127.0.0.1:9"}, binary, "-project", filepath.Join(repoRoot, "fullstack.yaml"))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, stack := range []string{"onprem", "cloud-bootstrap", "cloud"} {
		raw, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"))
		if err != nil {
			t.Fatalf("stack %s not synthesized: %v", stack, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if stack == "cloud" && !strings.Contains(string(raw), `"ec2": "http://127.0.0.1:9"`) {
			t.Errorf("FULLSTACK_AWS_ENDPOINT did not turn on emulator mode")
		}
	}
}

// TestCdktfCLI runs the real cdktf CLI (pinned in package.json) against
// the repository: a good project synthesizes, a bad one fails with the
// same messages and writes nothing.
func TestCdktfCLI(t *testing.T) {
	inShortLane(t)
	cdktf := filepath.Join(repoRoot, "node_modules", ".bin", "cdktf")
	if _, err := os.Stat(cdktf); err != nil {
		t.Fatalf("the cdktf CLI is not installed (run npm ci): %v", err)
	}
	good := filepath.Join(t.TempDir(), "out")
	out, code := runIn(t, repoRoot, []string{"CHECKPOINT_DISABLE=1"}, cdktf, "synth", "--output", good)
	if code != 0 {
		t.Fatalf("cdktf synth failed (exit %d):\n%s", code, out)
	}
	for _, stack := range []string{"onprem", "cloud"} {
		if _, err := os.Stat(filepath.Join(good, "stacks", stack, "cdk.tf.json")); err != nil {
			t.Errorf("cdktf synth did not write stack %s: %v", stack, err)
		}
	}

	dir := t.TempDir()
	bad := writeFile(t, filepath.Join(dir, "bad.yaml"), badProject)
	badOut := filepath.Join(dir, "cdktf.out")
	out, code = runIn(t, repoRoot, []string{"CHECKPOINT_DISABLE=1", "FULLSTACK_PROJECT=" + bad}, cdktf, "synth", "--output", badOut)
	if code == 0 {
		t.Fatalf("cdktf synth accepted a bad project:\n%s", out)
	}
	for _, w := range badProjectProblems {
		if !strings.Contains(out, w) {
			t.Errorf("cdktf output lacks %q", w)
		}
	}
	if _, err := os.Stat(badOut); !os.IsNotExist(err) {
		t.Errorf("a rejected project left %s behind", badOut)
	}
}
