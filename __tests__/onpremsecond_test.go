package tests

import (
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

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// checkSecondProject deploys a second project onto the engine beside the
// first and runs the steps that change, break or remove what it deploys:
// rollouts, monitoring and its alerts, and both teardowns.
func checkSecondProject(t *testing.T, engine *harness.DockerEngine) {
	d := newOnPremDeployment(t, engine, false)
	api := "http://127.0.0.1:" + strconv.Itoa(d.Settings.APIPort)
	site := "http://127.0.0.1:" + strconv.Itoa(d.Settings.SitePort)

	t.Logf("figure: first deploy of the second project %s", d.MustDeploy().Round(time.Second))
	if code, body := postNote(t, api, "kept"); code != 201 && code != 200 {
		t.Fatalf("POST a note: %d %s", code, body)
	}

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

	t.Run("the monitoring probes everything and alerts", func(t *testing.T) { checkHomeMonitoring(t, d) })

	t.Run("a release that never turns healthy fails the deploy and the old one keeps serving", func(t *testing.T) { checkBadReleaseKeepsServing(t, d) })

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

// checkRefusedBeforeAnything runs what must fail before a project's first
// deploy, and change nothing: a missing secret, an unreachable engine, a
// taken port. d is never deployed.
func checkRefusedBeforeAnything(t *testing.T, d *onPremDeployment) {
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
}
