package tests

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEmulatorCommand runs `go run ./cmd/fullstack emulator` as docs/project-file.md's
// emulator section does: it must print the endpoint and the env.sh to
// source, answer on the endpoint, write env.sh with every variable the
// section names, and stop on Ctrl-C (SIGINT) with exit 0, taking moto with it.
func TestEmulatorCommand(t *testing.T) {
	inShortLane(t)
	bin := fullstackCLI(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "emulator", "-port", "0", "-dir", dir)
	cmd.Dir = repoRoot
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	endpoint := ""
	deadline := time.After(60 * time.Second)
	for endpoint == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("emulator exited before printing its endpoint: %s", stderr.String())
			}
			if rest, found := strings.CutPrefix(l, "emulator: AWS APIs on "); found {
				endpoint = strings.Fields(rest)[0]
			}
		case <-deadline:
			t.Fatal("no endpoint printed within 60 s")
		}
	}
	if resp, err := http.Get(endpoint + "/moto-api/"); err != nil {
		t.Fatalf("the printed endpoint %s does not answer: %v", endpoint, err)
	} else {
		resp.Body.Close()
	}
	env, err := os.ReadFile(filepath.Join(dir, "env.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"export FULLSTACK_AWS_ENDPOINT=" + endpoint, "export TF_CLI_CONFIG_FILE=" + filepath.Join(dir, "terraform.rc"),
		"export FULLSTACK_STATE_DIR=" + filepath.Join(dir, "state"), "export TF_VAR_image_tag=", "export CHECKPOINT_DISABLE=1",
	} {
		if !strings.Contains(string(env), want) {
			t.Errorf("env.sh lacks %q:\n%s", want, env)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "terraform.rc")); err != nil {
		t.Error(err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after Ctrl-C: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after Ctrl-C")
	}
	client := &http.Client{Timeout: 2 * time.Second}
	if resp, err := client.Get(endpoint + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Errorf("%s still answers after Ctrl-C: moto was left running", endpoint)
	}
}
