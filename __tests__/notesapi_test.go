package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/naming"
)

// TestNotesAPI runs the sample API binary against a real PostgreSQL after
// its migrations: health, a create/read round trip, the list, bad input,
// the container health-check mode, and a graceful stop.
func TestNotesAPI(t *testing.T) {
	inShortLane(t)
	dir := filepath.Join(repoRoot, "apps", "notes-api")
	bin := filepath.Join(t.TempDir(), "notes-api")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the sample API: %v\n%s", err, out)
	}
	pg := newPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := appDatabase(ctx, t, pg, "notes-api")
	ms, err := flyway.Load(filepath.Join(repoRoot, "migrations", "notes-api"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := harness.Migrate(ctx, conn, ms); err != nil {
		t.Fatal(err)
	}

	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	db := naming.AppDatabase("notes-api").Value
	env := append(os.Environ(), fmt.Sprintf("PORT=%d", port), "API_PREFIX=/api", "PGHOST="+pg.Host, fmt.Sprintf("PGPORT=%d", pg.Port),
		"PGDATABASE="+db, "PGUSER="+db, "PGPASSWORD=app-password-"+db, "PGSSLMODE=disable")
	cmd := exec.Command(bin)
	cmd.Env = env
	srv, err := harness.StartServer(cmd, filepath.Join(t.TempDir(), "api.log"), fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	base := root + "/api"

	if code, body := call(t, "GET", root+"/healthz", ""); code != 200 || body["status"] != "ok" {
		t.Fatalf("healthz = %d %v", code, body)
	}
	code, created := call(t, "POST", base+"/notes", `{"title":"groceries","body":"milk, eggs","tags":["home","todo"]}`)
	if code != 201 {
		t.Fatalf("create = %d %v", code, created)
	}
	id := int64(created["id"].(float64))
	code, got := call(t, "GET", fmt.Sprintf("%s/notes/%d", base, id), "")
	if code != 200 || got["title"] != "groceries" || got["body"] != "milk, eggs" || fmt.Sprint(got["tags"]) != "[home todo]" {
		t.Errorf("read back = %d %v", code, got)
	}
	resp, err := http.Get(base + "/notes")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list) != 1 || list[0]["title"] != "groceries" {
		t.Errorf("list = %v", list)
	}
	if code, body := call(t, "POST", base+"/notes", `{"title":"","tags":["Bad Tag"]}`); code != 400 || len(body["problems"].([]any)) != 2 {
		t.Errorf("invalid note = %d %v", code, body)
	}
	if code, _ := call(t, "GET", base+"/notes/999999", ""); code != 404 {
		t.Errorf("missing note = %d", code)
	}

	check := exec.Command(bin, "-healthcheck")
	check.Env = env
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("-healthcheck against a healthy instance: %v %s", err, out)
	}
	// SIGTERM (then SIGKILL after 10 s): a graceful stop logs "stopped".
	srv.Stop()
	if log, _ := os.ReadFile(srv.LogPath); !bytes.Contains(log, []byte(`"msg":"stopped"`)) {
		t.Errorf("no graceful stop on SIGTERM in the log:\n%s", log)
	}
	again := exec.Command(bin, "-healthcheck")
	again.Env = env
	if out, err := again.CombinedOutput(); err == nil || again.ProcessState.ExitCode() != 1 {
		t.Errorf("-healthcheck against a stopped instance must exit 1: %v %s", err, out)
	}
}

func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
