package tests

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// checkSecondProject deploys a second project onto the engine beside the
// first and runs the steps that change, break or remove what it deploys:
// the refusals before a first deploy, backups and restores, rollouts,
// monitoring and its alerts, previews and both teardowns.
func checkSecondProject(t *testing.T, engine *harness.DockerEngine) {
	d := newOnPremDeployment(t, engine)
	d.alerts = startAlertReceiver(t)
	d.Settings.Webhook, d.Settings.WebhookCA = d.alerts.URL, d.alerts.CA
	d.Checkout()
	t.Cleanup(func() {
		if err := engine.RemoveLabelled(d.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	api := "http://127.0.0.1:" + strconv.Itoa(d.Settings.APIPort)
	site := "http://127.0.0.1:" + strconv.Itoa(d.Settings.SitePort)

	t.Run("a missing secret fails at once, naming it", func(t *testing.T) {
		// cdktf 0.20 often loses the end of Terraform's output (its pty is
		// closed before the last lines are read), so the message is checked
		// with Terraform itself; cdktf must fail at once, not prompt.
		if out, code := d.DeployWithout("TF_VAR_onprem_postgres_password"); code == 0 {
			t.Errorf("deploy without the superuser password succeeded:\n%s", tailOf(out))
		}
		tf := d.terraform()
		tf.Env = slices.DeleteFunc(slices.Clone(tf.Env), func(kv string) bool { return strings.HasPrefix(kv, "TF_VAR_onprem_postgres_password=") })
		res, err := tf.Run("plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(res.Output), "export TF_VAR_onprem_postgres_password") {
			t.Errorf("plan without the superuser password: %v, want a failure naming TF_VAR_onprem_postgres_password:\n%s", err, tailOf(res.Output))
		}
		if out, code := d.Deploy("FULLSTACK_DOCKER_HOST=unix:///nonexistent/docker.sock"); code == 0 {
			t.Errorf("deploy to an unreachable engine succeeded:\n%s", tailOf(out))
		}
		res, err = d.terraform().Run("plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(res.Output), "Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock") {
			t.Errorf("plan against an unreachable engine: %v, want a failure naming the host:\n%s", err, tailOf(res.Output))
		}
		if ids := d.Docker("ps", "-aq", "--filter", "label=project="+d.Name); ids != "" {
			t.Errorf("the refused deploy created containers: %s", ids)
		}
	})

	t.Run("preflight names a taken port before anything changes", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(d.Settings.APIPort))
		if err != nil {
			t.Fatal(err)
		}
		out, code := d.Preflight()
		taken.Close()
		want := fmt.Sprintf("apps[0].host_port (notes-api) %d on 127.0.0.1 is in use by another program", d.Settings.APIPort)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("preflight with a taken port: exit %d, want %q:\n%s", code, want, out)
		}
		if out, code := d.Preflight(); code != 0 {
			t.Errorf("preflight on a free machine: exit %d\n%s", code, out)
		}
	})

	t.Logf("figure: first deploy of the second project %s", d.MustDeploy().Round(time.Second))
	if code, body := postNote(t, api, "kept"); code != 201 && code != 200 {
		t.Fatalf("POST a note: %d %s", code, body)
	}

	t.Run("a second deploy with no change is a no-op", func(t *testing.T) {
		start := time.Now()
		d.MustDeploy()
		t.Logf("figure: no-op deploy %s", time.Since(start).Round(time.Second))
		assertNoChanges(t, d)
	})

	t.Run("a wrong superuser password fails the plan, before anything changes", func(t *testing.T) {
		tf := d.terraform()
		tf.Env = append(slices.Clone(tf.Env), "TF_VAR_onprem_postgres_password=not-the-password-1")
		res, err := tf.Run("plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(res.Output), `password authentication failed for user "postgres"`) {
			t.Errorf("plan with a wrong superuser password: %v, want PostgreSQL's refusal:\n%s", err, tailOf(res.Output))
		}
	})

	t.Run("a snapshot and the restore command bring back a deleted image", func(t *testing.T) {
		reg := "http://127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort)
		d.Docker("exec", d.Name+"-registry-backup", "/usr/local/bin/registry-backup")
		manifest := reg + "/v2/site/notes-web/manifests/" + d.runningTag("notes-web")
		accept := []string{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}
		_, _, digest := httpGet(t, "HEAD", manifest, "Docker-Content-Digest", accept...)
		if code, _, _ := httpGet(t, "DELETE", reg+"/v2/site/notes-web/manifests/"+digest, ""); code != 202 {
			t.Fatalf("DELETE manifest: %d", code)
		}
		if code, _, _ := httpGet(t, "HEAD", manifest, "", accept...); code != 404 {
			t.Fatalf("deleted manifest still answers %d", code)
		}
		var restore string
		d.Output("registry_restore_command", &restore)
		if out, err := exec.Command("sh", "-c", restore).CombinedOutput(); err != nil {
			t.Fatalf("restore command as printed: %v\n%s", err, out)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if code, _, _, _ := fetch("HEAD", manifest, accept...); code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the image did not come back within 30 s of the restore")
			}
			time.Sleep(500 * time.Millisecond)
		}
		if out, err := exec.Command("sh", "-c", restore+" no-such-snapshot.tar.gz").CombinedOutput(); err == nil || !strings.Contains(string(out), "does not exist") {
			t.Errorf("restore of a missing snapshot: %v %s", err, out)
		}
		if state := d.Docker("inspect", "--format", "{{.State.Status}}", d.Name+"-registry"); state != "running" {
			t.Errorf("after a failed restore the registry is %s, want running", state)
		}
	})

	t.Run("a database backup restores a dropped database and refuses a damaged one", func(t *testing.T) {
		backup := d.Name + "-postgres-backup"
		if out, err := engine.Docker("exec", backup, "/usr/local/bin/pg-backup"); err != nil || !strings.Contains(out, "notes_api-") || !strings.Contains(out, "globals-") {
			t.Fatalf("pg-backup: %v\n%s", err, out)
		}
		ctx := context.Background()
		super, err := pgx.Connect(ctx, d.DSN("postgres", onPremSuperPassword))
		if err != nil {
			t.Fatal(err)
		}
		defer super.Close(ctx)
		if _, err := super.Exec(ctx, "DROP DATABASE notes_api WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		var restores map[string]string
		d.Output("postgres_restore_commands", &restores)
		if out, err := exec.Command("sh", "-c", restores["notes-api"]).CombinedOutput(); err != nil {
			t.Fatalf("restore command as printed: %v\n%s", err, out)
		}
		notes := func() string {
			conn, err := pgx.Connect(ctx, d.DSN("notes_api", onPremAppPassword))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var titles string
			if err := conn.QueryRow(ctx, "SELECT string_agg(title, ',') FROM notes").Scan(&titles); err != nil {
				t.Fatal(err)
			}
			return titles
		}
		if got := notes(); got != "kept" {
			t.Errorf("after the restore the notes are %q, want the row written before the backup", got)
		}
		// The app's own role connects to the recreated database again.
		waitFor(t, 30*time.Second, "the API on the restored database", func() bool {
			code, body, _, err := fetch("GET", site+"/api/notes")
			return err == nil && code == 200 && strings.Contains(body, `"title":"kept"`)
		})
		assertNoChanges(t, d) // Terraform sees the same database, owner and grants

		d.Docker("exec", backup, "sh", "-c", "f=$(ls /backup/notes_api-*.dump | tail -n 1); head -c 600 \"$f\" > /backup/damaged.dump")
		for _, c := range []struct{ args, want string }{
			{"notes_api damaged.dump", "damaged or not a pg_dump archive; nothing was changed"},
			{"notes_api missing.dump", "does not exist; nothing was changed"},
			{"no_such_app", "is not an app database of this stack"},
		} {
			out, err := exec.Command("sh", "-c", "docker -H "+engine.Host+" exec "+backup+" /usr/local/bin/pg-restore-app "+c.args).CombinedOutput()
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Errorf("restore %s: %v %s, want a refusal saying %q", c.args, err, out, c.want)
			}
		}
		if got := notes(); got != "kept" {
			t.Errorf("a refused restore changed the data: %q", got)
		}
	})

	t.Run("a broken migration fails the deploy readably and the old app keeps serving", func(t *testing.T) {
		before := d.ContainerID("notes-api")
		broken := filepath.Join(d.Dir, "migrations", "notes-api", "V90__broken.sql")
		writeFile(t, broken, "CREATE TABLEE oops (id int);\n")
		out, code := d.Deploy()
		if code == 0 {
			t.Fatal("a deploy with a broken migration succeeded")
		}
		for _, want := range []string{"flyway migrate failed for notes-api", "V90__broken.sql", "syntax error"} {
			if !strings.Contains(out, want) {
				t.Errorf("deploy output lacks %q:\n%s", want, tailOf(out))
			}
		}
		if strings.ContainsAny(out, "\x00\x01\x02") {
			t.Errorf("Flyway's output carries binary log-frame headers:\n%q", tailOf(out))
		}
		if after := d.ContainerID("notes-api"); after != before {
			t.Error("the app container was replaced although its migrations failed")
		}
		if code, _, _ := httpGet(t, "GET", api+"/healthz", ""); code != 200 {
			t.Errorf("the old app stopped serving: %d", code)
		}
		if err := os.Remove(broken); err != nil {
			t.Fatal(err)
		}
		d.MustDeploy()
	})

	t.Run("a source change rebuilds and replaces only that app", func(t *testing.T) {
		apiBefore, siteBefore := d.ContainerID("notes-api"), d.ContainerID("notes-web")
		index := filepath.Join(d.Dir, "apps", "notes-web", "index.html")
		data, _ := os.ReadFile(index)
		writeFile(t, index, string(data)+"<!-- changed -->\n")
		p := startProbe(rolloutProbeURLs(d)...)
		took := d.MustDeploy()
		checkNoFailures(t, "site rollout", p)
		t.Logf("figure: site redeploy %s", took.Round(time.Second))
		if d.ContainerID("notes-api") != apiBefore {
			t.Error("the API container was replaced by a change of the site")
		}
		if d.ContainerID("notes-web") == siteBefore {
			t.Error("the site container was not replaced after its source changed")
		}
		if _, body, _ := httpGet(t, "GET", site+"/", ""); !strings.Contains(body, "<!-- changed -->") {
			t.Error("the site does not serve the changed index.html")
		}
		writeFile(t, index, string(data))
		d.MustDeploy()
	})

	t.Run("a change of a setting every container has (log size) rolls every app out and finishes", func(t *testing.T) { checkSettingChangeRollsOut(t, d) })

	t.Run("a route nginx refuses never goes live", func(t *testing.T) { checkRouteCheckedBeforeLive(t, d) })

	t.Run("the monitoring probes everything and alerts", func(t *testing.T) { checkHomeMonitoring(t, d, d.alerts) })

	t.Run("a release that never turns healthy fails the deploy and the old one keeps serving", func(t *testing.T) { checkBadReleaseKeepsServing(t, d) })

	t.Run("pull request previews run beside staging and leave nothing behind", func(t *testing.T) { checkPreviews(t, d) })

	t.Run("teardown keeps the data and a redeploy reattaches it", func(t *testing.T) {
		start := time.Now()
		if out, code := d.Teardown(); code != 0 {
			t.Fatalf("teardown: exit %d\n%s", code, tailOf(out))
		}
		t.Logf("figure: teardown keeping data %s", time.Since(start).Round(time.Second))
		// PostgreSQL, and the never-started container holding its
		// password file (dockercontainer.ReadOnlyRoot).
		names := strings.Fields(d.Docker("ps", "-a", "--format", "{{.Names}}", "--filter", "label=project="+d.Name))
		sort.Strings(names)
		if len(names) != 2 || names[0] != d.Name+"-postgres" || !strings.HasPrefix(names[1], d.Name+"-postgres-files-") {
			t.Errorf("containers after a teardown that keeps the data: %q, want only PostgreSQL and its files", names)
		}
		vols := d.Docker("volume", "ls", "-q", "--filter", "label=project="+d.Name)
		for _, v := range []string{"-registry-data", "-registry-backup", "-postgres-data"} {
			if !strings.Contains(vols, d.Name+v) {
				t.Errorf("volume %s%s was not kept (have %s)", d.Name, v, vols)
			}
		}
		d.MustDeploy()
		if code, body, _ := httpGet(t, "GET", api+"/api/notes", ""); code != 200 || !strings.Contains(body, `"title":"kept"`) {
			t.Errorf("after teardown and redeploy the note is gone: %d %s", code, body)
		}
		assertNoChanges(t, d)
	})

	t.Run("teardown with data removes everything and PostgreSQL stops cleanly", func(t *testing.T) {
		events := exec.Command("docker", "-H", engine.Host, "events", "--filter", "event=die", "--filter", "event=kill",
			"--format", "{{.Time}} {{.Actor.Attributes.name}} {{.Status}} {{index .Actor.Attributes \"exitCode\"}}{{index .Actor.Attributes \"signal\"}}")
		var buf strings.Builder
		events.Stdout = &buf
		if err := events.Start(); err != nil {
			t.Fatal(err)
		}
		if out, code := d.Teardown("-delete-data=not-" + d.Name); code == 0 || !strings.Contains(out, "does not match the project name") {
			t.Errorf("a wrong confirmation was accepted: exit %d\n%s", code, tailOf(out))
		}
		start := time.Now()
		out, code := d.Teardown("-delete-data=" + d.Name)
		t.Logf("figure: teardown with data %s", time.Since(start).Round(time.Second))
		time.Sleep(time.Second)
		_ = events.Process.Kill()
		_ = events.Wait()
		if code != 0 {
			t.Fatalf("teardown -delete-data: exit %d\n%s", code, tailOf(out))
		}
		var pgEvents []string
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			f := strings.Fields(line)
			if len(f) != 4 || f[2] != "die" {
				continue
			}
			if f[1] == d.Name+"-postgres" {
				pgEvents = append(pgEvents, f[2]+" "+f[3])
			}
			// The other project's containers die on their own schedule.
			if f[3] == "137" && strings.HasPrefix(f[1], d.Name+"-") {
				t.Errorf("%s was killed (exit 137): it did not stop within its grace period", f[1])
			}
		}
		if got := strings.Join(pgEvents, ", "); got != "die 0" {
			t.Errorf("PostgreSQL's container ended with %q, want one clean exit (die 0); every die and kill:\n%s", got, buf.String())
		}
		if vols := d.Docker("volume", "ls", "-q", "--filter", "label=project="+d.Name); vols != "" {
			t.Errorf("volumes left: %s", vols)
		}
	})
}
