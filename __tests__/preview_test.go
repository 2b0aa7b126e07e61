package tests

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/stacks"
)

// previewTools run cmd/fullstack/preview against the staging deployment d, from a
// checkout of its own.
type previewTools struct {
	t *testing.T
	d *onPremDeployment
}

// in is p reporting to t: a subtest fails itself, not its parent.
func (p previewTools) in(t *testing.T) previewTools {
	p.t = t
	return p
}

// run runs `fullstack preview args...` with the project file of
// checkout dir.
func (p previewTools) run(dir string, args ...string) (string, int) {
	p.t.Helper()
	return p.d.run(15*time.Minute, []string{"FULLSTACK_PROJECT=" + filepath.Join(dir, "fullstack.yaml")}, fullstackCLI(p.d.t), append([]string{"preview"}, args...)...)
}

// must runs it and fails the test when it fails, returning how long it
// took.
func (p previewTools) must(dir string, args ...string) (string, time.Duration) {
	p.t.Helper()
	start := time.Now()
	out, code := p.run(dir, args...)
	if code != 0 {
		p.t.Fatalf("preview %s: exit %d\n%s", strings.Join(args, " "), code, tailOf(out))
	}
	return out, time.Since(start)
}

// get asks the previews' server for host.
func (p previewTools) get(method, host, path, body string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:"+strconv.Itoa(p.d.Settings.PreviewPort)+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Host = host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		p.t.Fatalf("%s %s%s: %v", method, host, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// platform is each platform container's id and start time.
func (p previewTools) platform() map[string]string {
	p.t.Helper()
	out := map[string]string{}
	for _, c := range []string{"-registry", "-postgres", "-proxy"} {
		out[c] = p.d.Docker("inspect", "--format", "{{.Id}} {{.State.StartedAt}}", p.d.Name+c)
	}
	return out
}

// leftovers lists what of preview n is still on the server.
func (p previewTools) leftovers(ctx context.Context, super *pgx.Conn, n int) []string {
	p.t.Helper()
	pr := "pr-" + strconv.Itoa(n)
	var left []string
	for _, kind := range [][]string{
		{"container", "ps", "-a", "--format", "{{.Names}}"},
		{"network", "network", "ls", "--format", "{{.Name}}"},
		{"volume", "volume", "ls", "--format", "{{.Name}}"},
		{"image", "image", "ls", "--digests", "--format", "{{.Repository}}:{{.Tag}}@{{.Digest}}"},
		{"host route", "exec", p.d.Name + "-proxy", "ls", "-1", "/etc/nginx/routes/hosts"},
	} {
		for _, name := range strings.Fields(p.d.Docker(kind[1:]...)) {
			if strings.Contains(name, pr+"-") || strings.Contains(name, "/"+pr+"/") || strings.Contains(name, "."+pr+".") {
				left = append(left, kind[0]+" "+name)
			}
		}
	}
	rows, err := super.Query(ctx, "SELECT 'role '||rolname FROM pg_roles WHERE rolname LIKE $1 UNION ALL SELECT 'database '||datname FROM pg_database WHERE datname LIKE $1", "%_pr_"+strconv.Itoa(n))
	if err != nil {
		p.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		p.t.Fatal(err)
	}
	left = append(left, names...)
	_, catalog, _ := httpGet(p.t, "GET", "http://127.0.0.1:"+strconv.Itoa(p.d.Settings.RegistryPort)+"/v2/_catalog", "")
	if strings.Contains(catalog, `"`+pr+"/") {
		left = append(left, "registry repositories "+catalog)
	}
	return left
}

// assertPreviewPlansClean plans preview n's stack with its own passwords.
func (p previewTools) assertPreviewPlansClean(dir string, n int) {
	p.t.Helper()
	raw, err := os.ReadFile(filepath.Join(p.d.Settings.StateDir, "previews", "pr-"+strconv.Itoa(n), "secrets.json"))
	if err != nil {
		p.t.Fatal(err)
	}
	var passwords map[string]string
	if err := json.Unmarshal(raw, &passwords); err != nil {
		p.t.Fatal(err)
	}
	tf := &harness.Terraform{
		Dir:       filepath.Join(dir, ".fullstack", "previews", "pr-"+strconv.Itoa(n), "cdktf.out", "stacks", stacks.PreviewStackName(n)),
		CLIConfig: p.d.cliConfig,
		Env:       append(append([]string{}, p.d.Env...), "TF_VAR_onprem_db_password_notes_api="+passwords["notes-api"]),
	}
	changes, err := tf.PlannedChanges()
	if err != nil {
		p.t.Fatal(err)
	}
	for _, c := range changes {
		p.t.Errorf("preview %d: planned change after its deploy: %s %s", n, c.Address, c.What)
	}
}

// checkPreviews runs two previews beside staging, 42 from a checkout with
// one more migration, and removes them: each serves its own data, staging
// and the platform containers are never touched, a teardown leaves
// nothing of the preview behind.
func checkPreviews(t *testing.T, d *onPremDeployment) {
	p := previewTools{t: t, d: d}
	defer func() {
		// A failure must not leave previews behind: staging's teardown
		// (the next steps) refuses while they run.
		if left, _ := filepath.Glob(filepath.Join(d.Settings.StateDir, "previews", "pr-*")); len(left) > 0 {
			if out, code := p.run(d.Dir, "prune", "-max", "0"); code != 0 {
				t.Errorf("removing the previews left by a failure: exit %d\n%s", code, tailOf(out))
			}
		}
	}()
	ctx := context.Background()
	super, err := pgx.Connect(ctx, d.DSN("postgres", onPremSuperPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer super.Close(ctx)
	platform := p.platform()
	staging := "http://127.0.0.1:" + strconv.Itoa(d.Settings.SitePort)

	if out, _ := p.must(d.Dir, "list"); !strings.Contains(out, "No previews (of 2 allowed)") {
		t.Errorf("list before any preview:\n%s", out)
	}
	out, took := p.must(d.Dir, "up", "41", "-commit", "4141414141414141")
	t.Logf("figure: preview up (cold) %s", took.Round(time.Second))
	if want := "Preview 41 runs 414141414141 at http://pr-41.localhost:" + strconv.Itoa(d.Settings.PreviewPort); !strings.Contains(out, want) {
		t.Errorf("preview up 41 does not say %q:\n%s", want, tailOf(out))
	}
	apiBefore := d.Docker("ps", "-q", "--filter", "label=fullstack.preview=41", "--filter", "label=fullstack.app=notes-api")
	_, took = p.must(d.Dir, "up", "41", "-commit", "4141414141414141")
	t.Logf("figure: preview up (warm, no change) %s", took.Round(time.Second))
	if after := d.Docker("ps", "-q", "--filter", "label=fullstack.preview=41", "--filter", "label=fullstack.app=notes-api"); after != apiBefore || after == "" {
		t.Errorf("an unchanged preview up replaced the API container (%q, then %q)", apiBefore, after)
	}

	// Pull request 42 adds a migration.
	checkout42 := filepath.Join(filepath.Dir(d.Dir), "checkout-pr-42")
	if out, err := exec.Command("cp", "-r", d.Dir, checkout42).CombinedOutput(); err != nil {
		t.Fatalf("copy the checkout: %v %s", err, out)
	}
	os.RemoveAll(filepath.Join(checkout42, ".fullstack"))
	os.RemoveAll(filepath.Join(checkout42, "cdktf.out"))
	writeFile(t, filepath.Join(checkout42, "migrations", "notes-api", "V50__preview_only.sql"), "ALTER TABLE notes ADD COLUMN pr42 text;\n")
	_, took = p.must(checkout42, "up", "42", "-commit", "4242424242424242")
	t.Logf("figure: preview up (new checkout, one more migration) %s", took.Round(time.Second))

	t.Run("a third preview is refused at the limit, and nothing is created", func(t *testing.T) {
		p := p.in(t)
		out, code := p.run(d.Dir, "up", "43")
		if want := "preview 43: 2 previews run already (pr-41, pr-42) and onprem.previews.max is 2"; code == 0 || !strings.Contains(oneLine(out), want) {
			t.Errorf("preview up 43: exit %d, want %q:\n%s", code, want, tailOf(out))
		}
		if _, err := os.Stat(filepath.Join(d.Settings.StateDir, "previews", "pr-43")); !os.IsNotExist(err) {
			t.Errorf("the refused preview left its folder: %v", err)
		}
		d.alerts.mustArrive(t, time.Now().Add(-2*time.Minute), time.Minute, "firing", "PreviewFailed", map[string]string{"target": "pr-43"})
	})

	t.Run("staging and both previews serve their own notes", func(t *testing.T) {
		p := p.in(t)
		index, _ := os.ReadFile(filepath.Join(repoRoot, "apps/notes-web/index.html"))
		for _, host := range []string{"pr-41.localhost", "notes-web.pr-41.localhost", "pr-42.localhost"} {
			if code, body := p.get("GET", host, "/notes/7", ""); code != 200 || body != string(index) {
				t.Errorf("GET %s/notes/7: %d, want the site's index.html", host, code)
			}
		}
		if code, body := p.get("POST", "notes-api.pr-41.localhost", "/api/notes", `{"title":"only-in-41","body":"x"}`); code != 201 && code != 200 {
			t.Fatalf("POST a note to preview 41: %d %s", code, body)
		}
		if code, body := postNote(t, "http://127.0.0.1:"+strconv.Itoa(d.Settings.APIPort), "only-in-staging"); code != 201 && code != 200 {
			t.Fatalf("POST a note to staging: %d %s", code, body)
		}
		for host, wantIt := range map[string]bool{"pr-41.localhost": true, "pr-42.localhost": false, "notes-api.pr-42.localhost": false} {
			code, body := p.get("GET", host, "/api/notes", "")
			if code != 200 || strings.Contains(body, "only-in-41") != wantIt || strings.Contains(body, "only-in-staging") {
				t.Errorf("GET %s/api/notes: %d %s (want the note of 41: %v, never staging's)", host, code, body, wantIt)
			}
		}
		if _, body, _ := httpGet(t, "GET", staging+"/api/notes", ""); strings.Contains(body, "only-in-41") || !strings.Contains(body, "only-in-staging") {
			t.Errorf("staging's notes: %s", body)
		}
		if code, body := p.get("GET", "pr-99.localhost", "/", ""); code != 404 || !strings.Contains(body, "no preview answers at pr-99.localhost") {
			t.Errorf("a host no preview has: %d %s", code, body)
		}
	})

	t.Run("each preview migrated its own database: 42 has its extra migration, staging has not", func(t *testing.T) {
		for db, want := range map[string]bool{"notes_api_pr_42": true, "notes_api_pr_41": false, "notes_api": false} {
			var n int
			if err := super.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", db).Scan(&n); err != nil || n != 1 {
				t.Fatalf("database %s: %v (%d)", db, err, n)
			}
			conn, err := pgx.Connect(ctx, strings.Replace(d.DSN("postgres", onPremSuperPassword), "/postgres?", "/"+db+"?", 1))
			if err != nil {
				t.Fatal(err)
			}
			var has bool
			err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE script = 'V50__preview_only.sql' AND success)").Scan(&has)
			conn.Close(ctx)
			if err != nil || has != want {
				t.Errorf("%s has V50__preview_only.sql: %v (%v), want %v", db, has, err, want)
			}
		}
	})

	t.Run("list shows each preview's age, commit and URL", func(t *testing.T) {
		p := p.in(t)
		out, _ := p.must(d.Dir, "list")
		for _, want := range []string{"PREVIEW", "pr-41", "414141414141", "http://pr-41.localhost:", "pr-42", "424242424242"} {
			if !strings.Contains(out, want) {
				t.Errorf("list lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("staging's teardown is refused while previews run", func(t *testing.T) {
		if out, code := d.Teardown(); code == 0 || !strings.Contains(oneLine(out), "previews pr-41, pr-42 run on staging's registry") {
			t.Errorf("teardown with previews: exit %d\n%s", code, tailOf(out))
		}
	})

	t.Run("prune with a limit of 1 removes the older preview exactly", func(t *testing.T) {
		p := p.in(t)
		start := time.Now()
		out, code := p.run(d.Dir, "prune", "-max", "1")
		t.Logf("figure: preview down (by prune) %s", time.Since(start).Round(time.Second))
		if code != 0 || !strings.Contains(out, "pruning preview 41") || strings.Contains(out, "pruning preview 42") {
			t.Fatalf("prune -max 1: exit %d\n%s", code, tailOf(out))
		}
		if left := p.leftovers(ctx, super, 41); len(left) > 0 {
			t.Errorf("preview 41 left: %s", strings.Join(left, "; "))
		}
		if code, _ := p.get("GET", "pr-41.localhost", "/", ""); code != 404 {
			t.Errorf("preview 41's address answers %d after its teardown", code)
		}
		if code, body := p.get("GET", "pr-42.localhost", "/api/notes", ""); code != 200 {
			t.Errorf("preview 42 after 41's teardown: %d %s", code, body)
		}
		if code, _, _ := httpGet(t, "GET", staging+"/api/notes", ""); code != 200 {
			t.Errorf("staging after 41's teardown: %d", code)
		}
		assertNoChanges(t, d)
		p.assertPreviewPlansClean(checkout42, 42)
	})

	t.Run("down removes the last preview; the platform was never restarted", func(t *testing.T) {
		p := p.in(t)
		_, took := p.must(d.Dir, "down", "42")
		t.Logf("figure: preview down %s", took.Round(time.Second))
		if left := p.leftovers(ctx, super, 42); len(left) > 0 {
			t.Errorf("preview 42 left: %s", strings.Join(left, "; "))
		}
		if out, _ := p.must(d.Dir, "list"); !strings.Contains(out, "No previews") {
			t.Errorf("list after the last down:\n%s", out)
		}
		if out, _ := p.must(d.Dir, "down", "42"); !strings.Contains(out, "No preview 42: nothing to destroy") {
			t.Errorf("a second down:\n%s", tailOf(out))
		}
		for name, before := range p.platform() {
			if platform[name] != before {
				t.Errorf("%s%s was restarted or replaced by a preview: %s, then %s", d.Name, name, platform[name], before)
			}
		}
		assertNoChanges(t, d)
	})
}
