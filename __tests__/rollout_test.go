package tests

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/naming"
)

// probe requests each URL every 50 ms until stopped and counts the
// answers that were not 200.
type probe struct {
	stop     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	sent     int
	failures []string
}

func startProbe(urls ...string) *probe {
	p := &probe{stop: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, u := range urls {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-p.stop:
					return
				case <-tick.C:
				}
				resp, err := client.Get(u)
				failure := ""
				if err != nil {
					failure = err.Error()
				} else {
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failure = resp.Status
					}
				}
				p.mu.Lock()
				p.sent++
				if failure != "" {
					p.failures = append(p.failures, time.Now().Format("15:04:05.000")+" "+u+": "+failure)
				}
				p.mu.Unlock()
			}
		}()
	}
	return p
}

// Stop ends the probe and returns how many requests it sent and the
// failed ones.
func (p *probe) Stop() (int, []string) {
	close(p.stop)
	p.wg.Wait()
	return p.sent, p.failures
}

// checkNoFailures fails t when the probe saw a failed request.
func checkNoFailures(t *testing.T, what string, p *probe) {
	t.Helper()
	sent, failures := p.Stop()
	t.Logf("figure: %s: %d requests, %d failed", what, sent, len(failures))
	if sent == 0 {
		t.Errorf("%s: the probe sent nothing", what)
	}
	if len(failures) > 0 {
		t.Errorf("%s: %d of %d requests failed, first ones:\n%s", what, len(failures), sent, strings.Join(failures[:min(len(failures), 10)], "\n"))
	}
}

// rolloutProbeURLs are the API through the site's /api/ and through its
// own published port: both reach the app through the front proxy.
func rolloutProbeURLs(d *onPremDeployment) []string {
	return []string{
		fmt.Sprintf("http://127.0.0.1:%d/api/notes", d.Settings.SitePort),
		fmt.Sprintf("http://127.0.0.1:%d/api/notes", d.Settings.APIPort),
		fmt.Sprintf("http://127.0.0.1:%d/", d.Settings.SitePort),
	}
}

// checkBadReleaseKeepsServing deploys an API whose health check fails:
// the deploy must fail within the rollout timeout, naming the app, the
// check and the container's log lines; no request fails; only the old
// container is left; and the next good deploy succeeds.
func checkBadReleaseKeepsServing(t *testing.T, d *onPremDeployment) {
	before := d.AppContainer("notes-api")
	src := filepath.Join(d.Dir, "apps", "notes-api", "http.go")
	good, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), `writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})`,
		`log.Error("health check: this build is broken on purpose"); writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "broken"})`, 1)
	if bad == string(good) {
		t.Fatal("could not break the health handler: apps/notes-api/http.go changed")
	}
	writeFile(t, src, bad)
	p := startProbe(rolloutProbeURLs(d)...)
	start := time.Now()
	defer func() {
		if t.Failed() {
			return
		}
		// An event: it arrives once and is never "resolved".
		took := d.alerts.mustArrive(t, start, 2*time.Minute, "firing", "RolloutFailed", map[string]string{"target": "notes-api", "kind": "event"})
		t.Logf("figure: deploy started -> RolloutFailed at the webhook %s", took.Round(time.Second))
	}()
	out, code := d.Deploy()
	took := time.Since(start)
	checkNoFailures(t, "bad release", p)
	t.Logf("figure: failed rollout of a bad release %s", took.Round(time.Second))
	if code == 0 {
		t.Fatalf("a release whose health check fails deployed:\n%s", tailOf(out))
	}
	spec := healthspec.For("/healthz")
	if limit := spec.RolloutTimeout() + 3*time.Minute; took > limit {
		t.Errorf("the failing deploy took %s, more than the rollout timeout %s plus the build", took, spec.RolloutTimeout())
	}
	for _, want := range []string{"rollout of notes-api failed", "turned unhealthy", "health check: CMD /notes-api -healthcheck", "last log lines:", "this build is broken on purpose", "the running version keeps serving"} {
		if !strings.Contains(out, want) {
			t.Errorf("deploy output lacks %q:\n%s", want, tailOf(out))
		}
	}
	if left := d.AppContainers("notes-api"); len(left) != 1 || left[0] != before {
		t.Errorf("containers of notes-api after the failed rollout: %v, want only the old %s", left, before)
	}
	writeFile(t, src, string(good))
	d.MustDeploy()
	assertNoChanges(t, d)
}

// checkEngineRestart restarts the private engine as a reboot would: the
// API and the site serve a note written before within 60 s, and the next
// plan is clean.
func checkEngineRestart(t *testing.T, d *onPremDeployment) {
	api := fmt.Sprintf("http://127.0.0.1:%d", d.Settings.APIPort)
	site := fmt.Sprintf("http://127.0.0.1:%d", d.Settings.SitePort)
	title := fmt.Sprintf("before-restart-%d", time.Now().UnixNano())
	if code, body := postNote(t, api, title); code != 201 && code != 200 {
		t.Fatalf("POST a note: %d %s", code, body)
	}
	start := time.Now()
	if err := d.engine.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the note through the API and the site after the engine restart", func() bool {
		for _, u := range []string{api + "/api/notes", site + "/api/notes"} {
			code, body, _, err := fetch("GET", u)
			if err != nil || code != 200 || !strings.Contains(body, title) {
				return false
			}
		}
		return true
	})
	t.Logf("figure: serving again %s after the engine restart began", time.Since(start).Round(time.Second))
	assertNoChanges(t, d)
}

// postNote writes a note through the API.
func postNote(t *testing.T, api, title string) (int, string) {
	t.Helper()
	resp, err := http.Post(api+"/api/notes", "application/json", strings.NewReader(`{"title":"`+title+`","body":"kept"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = fmt.Fprint(&b, resp.Status)
	return resp.StatusCode, b.String()
}

// checkConcurrentDeploys starts two deploys of one change together: the
// first holds the state lock and applies, the second is refused naming the
// lock's holder; the state is intact afterwards.
func checkConcurrentDeploys(t *testing.T, d *onPremDeployment) {
	index := filepath.Join(d.Dir, "apps", "notes-web", "index.html")
	page, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, index, string(page)+"<!-- concurrent -->\n")
	defer writeFile(t, index, string(page))
	// The local backend's lock file (.<state file>.lock.info).
	lockInfo := filepath.Join(d.Settings.StateDir, ".terraform.onprem.tfstate.lock.info")
	first := make(chan struct {
		out  string
		code int
	}, 1)
	go func() {
		out, code := d.Deploy()
		first <- struct {
			out  string
			code int
		}{out, code}
	}()
	waitFor(t, 3*time.Minute, "the first deploy to take the state lock", func() bool {
		_, err := os.Stat(lockInfo)
		return err == nil
	})
	res, err := d.terraform().Run("apply", "-auto-approve", "-input=false", "-no-color")
	second := oneLine(res.Output)
	if err == nil || !strings.Contains(second, "Error acquiring the state lock") || !strings.Contains(second, "Who:") || !strings.Contains(second, "Operation: OperationTypeApply") {
		t.Errorf("the second deploy was not refused by the lock, naming its holder: %v\n%s", err, tailOf(res.Output))
	}
	r := <-first
	if r.code != 0 {
		t.Fatalf("the first deploy failed: %s", tailOf(r.out))
	}
	if _, err := os.Stat(lockInfo); !os.IsNotExist(err) {
		t.Errorf("the lock is still held after both deploys: %v", err)
	}
	if _, body, _ := httpGet(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/", d.Settings.SitePort), ""); !strings.Contains(body, "<!-- concurrent -->") {
		t.Error("the first deploy's change is not served")
	}
	assertNoChanges(t, d)
}

// checkSettingChangeRollsOut changes a setting every container has
// (onprem.log_max_size 10m -> 12m) and the API's source in one deploy: the
// deploy finishes (the push waits for the replaced registry), each app
// runs a new container under a new name with the new setting, and the
// next plan is clean. (The revision used to ignore log options: the replacement
// took the old container's name and Docker refused it with "Conflict".)
func checkSettingChangeRollsOut(t *testing.T, d *onPremDeployment) {
	file := filepath.Join(d.Dir, "fullstack.yaml")
	project, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(project), "log_max_size: 10m", "log_max_size: 12m", 1)
	if changed == string(project) {
		t.Fatalf("no log_max_size: 10m in the project:\n%s", project)
	}
	writeFile(t, file, changed)
	// And a new API image in the same deploy: its push must wait for the
	// registry container that replaces the old one.
	main := filepath.Join(d.Dir, "apps", "notes-api", "main.go")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, main, string(src)+"\n// pushed while the registry is replaced\n")
	registryBefore := d.Docker("inspect", "--format", "{{.Id}}", d.Name+"-registry")
	before := map[string]string{"notes-api": d.AppContainer("notes-api"), "notes-web": d.AppContainer("notes-web")}
	// A container a crashed deploy left behind (created, never in the
	// state): the rollout removes it.
	orphan := d.Name + "-notes-api-0rphan00"
	image := d.Docker("inspect", "--format", "{{.Image}}", before["notes-api"])
	d.Docker("create", "--name", orphan, "--label", "project="+d.Name, "--label", "environment=staging", "--label", naming.AppLabel+"=notes-api", image)
	p := startProbe(rolloutProbeURLs(d)...)
	out, code := d.Deploy()
	total, failed := p.Stop()
	if code != 0 {
		t.Fatalf("deploy after changing onprem.log_max_size: exit %d\n%s", code, tailOf(out))
	}
	// The front proxy holds the host ports and cannot run twice: it is
	// replaced in place, so a few requests may fail while it restarts.
	t.Logf("figure: log setting change: %d requests, %d failed (the proxy restarts in place)", total, len(failed))
	if !strings.Contains(out, "removed "+orphan+", which no deploy owned") {
		t.Errorf("the deploy does not say it removed %s:\n%s", orphan, tailOf(out))
	}
	for app, old := range before {
		now := d.AppContainer(app) // one each: the orphan is gone
		if now == old {
			t.Errorf("%s still runs %s", app, old)
		}
		if size := d.Docker("inspect", "--format", `{{index .HostConfig.LogConfig.Config "max-size"}}`, now); size != "12m" {
			t.Errorf("%s's new container logs with max-size %q, want 12m", app, size)
		}
	}
	if d.Docker("inspect", "--format", "{{.Id}}", d.Name+"-registry") == registryBefore {
		t.Error("the registry container was not replaced by the log setting change")
	}
	assertNoChanges(t, d)
}

// checkRouteCheckedBeforeLive runs the gate's route switch in staging's
// proxy with routes nginx refuses: each is refused, the route in place
// stays (or none is left), and the app keeps answering through it.
func checkRouteCheckedBeforeLive(t *testing.T, d *onPremDeployment) {
	proxy := d.Name + "-proxy"
	read := func(file string) string {
		out, _ := d.engine.Docker("exec", proxy, "cat", frontproxy.RoutesDir+"/"+file)
		return out
	}
	before := read("notes-api.conf")
	if !strings.Contains(before, "set $backend") {
		t.Fatalf("staging's route for notes-api: %q", before)
	}
	for file, route := range map[string]string{
		"notes-api.conf":             `set $backend "unclosed;`,
		"hosts/pr-77.localhost.conf": `pr-77.localhost "x:1" {`,
	} {
		_, err := d.engine.Docker("exec", "-u", "0", proxy, "sh", "-c", frontproxy.SwitchRouteScript, "switch-route", frontproxy.RoutesDir, file, route)
		if err == nil || !strings.Contains(err.Error(), "nginx refused the route for "+file+"; the previous one stays") {
			t.Errorf("a bad route for %s: %v", file, err)
		}
	}
	if after := read("notes-api.conf"); after != before {
		t.Errorf("the refused route replaced the live one: %q, was %q", after, before)
	}
	if out, err := d.engine.Docker("exec", proxy, "ls", frontproxy.HostsDir); err != nil || strings.Contains(out, "pr-77") {
		t.Errorf("the refused host route was left: %v %s", err, out)
	}
	api := "http://127.0.0.1:" + strconv.Itoa(d.Settings.APIPort)
	if code, _, _ := httpGet(t, "GET", api+"/healthz", ""); code != 200 {
		t.Errorf("the API through the proxy after the refused routes: %d", code)
	}
	// The proxy reloads cleanly: nothing unchecked was left for it.
	if out, err := d.engine.Docker("exec", "-u", "0", proxy, "nginx", "-t", "-q"); err != nil {
		t.Errorf("nginx -t after the refused routes: %v\n%s", err, out)
	}
}
