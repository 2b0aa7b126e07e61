package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harnesstest"
)

// TestLogsFromCloudWatch: fullstack logs reads an app's log group on the
// emulator: lines from -since on, every stream, each with its time;
// -follow prints what arrives later; and bad flags are refused at once.
// (The staging side is a subtest of TestOnPremDeploysForReal.)
func TestLogsFromCloudWatch(t *testing.T) {
	inShortLane(t)
	emu := harnesstest.EmulatorT(t)
	bin := fullstackCLI(t)
	p := loadRepoProject(t)
	logs := func(target string, body string) {
		t.Helper()
		code, out, err := emu.Request("logs", p.Cloud.Region, "POST", "/",
			map[string]string{"X-Amz-Target": "Logs_20140328." + target, "Content-Type": "application/x-amz-json-1.1"}, body)
		if err != nil || code != 200 {
			t.Fatalf("logs %s: %d %v %s", target, code, err, out)
		}
	}
	group := "/" + p.Name + "/notes-api"
	logs("CreateLogGroup", `{"logGroupName":"`+group+`"}`)
	put := func(stream string, at time.Time, message string) {
		logs("CreateLogStream", `{"logGroupName":"`+group+`","logStreamName":"`+stream+`"}`)
		logs("PutLogEvents", fmt.Sprintf(`{"logGroupName":%q,"logStreamName":%q,"logEvents":[{"timestamp":%d,"message":%q}]}`,
			group, stream, at.UnixMilli(), message))
	}
	now := time.Now()
	put("api/api/task-1", now.Add(-2*time.Hour), "GET /api/notes 200 (two hours ago)")
	put("api/api/task-2", now.Add(-5*time.Minute), "GET /api/notes 200 (task 2)")
	put("api/api/task-3", now.Add(-4*time.Minute), "POST /api/notes 201 (task 3)")

	env := append(os.Environ(), "FULLSTACK_PROJECT="+filepath.Join(repoRoot, "fullstack.yaml"), "FULLSTACK_AWS_ENDPOINT="+emu.Endpoint)
	cmd := exec.Command(bin, "logs", "-target", "production", "-app", "notes-api", "-since", "1h")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("logs: %v\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "(task 2)") || !strings.Contains(text, "(task 3)") || strings.Contains(text, "two hours ago") {
		t.Errorf("-since 1h should print both recent streams and not the old line:\n%s", text)
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		stamp, _, _ := strings.Cut(line, " ")
		if _, err := time.Parse(time.RFC3339Nano, stamp); err != nil {
			t.Errorf("line without its time: %q", line)
		}
	}

	// -follow: a line written later arrives within a few polls.
	follow := exec.Command(bin, "logs", "-target", "production", "-app", "notes-api", "-since", "1m", "-follow")
	follow.Env = env
	stdout, err := follow.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	defer follow.Process.Kill()
	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	time.Sleep(3 * time.Second)
	put("api/api/task-4", time.Now(), "GET /healthz 200 (arrived later)")
	deadline := time.After(20 * time.Second)
	for found := false; !found; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("logs -follow stopped by itself")
			}
			found = strings.Contains(line, "(arrived later)")
		case <-deadline:
			t.Fatal("logs -follow did not print a line written 3 s after it started within 20 s")
		}
	}

	// Refusals, all at once, before anything is read.
	bad := exec.Command(bin, "logs", "-target", "prod", "-app", "notes-web", "-since", "yesterday")
	bad.Env = env
	var stderr bytes.Buffer
	bad.Stderr = &stderr
	if err := bad.Run(); err == nil {
		t.Fatal("bad flags were accepted")
	}
	for _, want := range []string{`-target "prod": is staging (the home server) or production (AWS)`, `-since "yesterday": is a positive duration`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the refusal lacks %q:\n%s", want, stderr.String())
		}
	}
	site := exec.Command(bin, "logs", "-target", "production", "-app", "notes-web")
	site.Env = env
	if out, err := site.CombinedOutput(); err == nil || !strings.Contains(string(out), `-app "notes-web": is a site`) {
		t.Errorf("a site's logs on AWS: %v\n%s", err, out)
	}
	missing := exec.Command(bin, "logs", "-target", "production", "-app", "notes-api", "-migrations")
	missing.Env = env
	if out, err := missing.CombinedOutput(); err == nil || !strings.Contains(string(out), "log group /notes/notes-api/flyway does not exist") {
		t.Errorf("a log group that does not exist: %v\n%s", err, out)
	}
}
