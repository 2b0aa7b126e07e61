package tests

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// offsiteBucket is the emulator's S3, listening on the engine's bridge
// gateway so the backup container reaches it, standing in for an
// S3-compatible bucket off the server.
type offsiteBucket struct {
	emulator *harness.Emulator
	// Name is the bucket; restic creates it with the repository.
	Name string
}

const offsitePassword = "offsite-restic-pw-1"

// startOffsiteBucket starts the bucket's server and points d's project
// and deploy environment at it.
func startOffsiteBucket(t *testing.T, d *onPremDeployment) *offsiteBucket {
	t.Helper()
	gw, err := d.engine.BridgeGateway()
	if err != nil {
		t.Fatal(err)
	}
	e, err := harness.StartEmulatorAt(t.TempDir(), gw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	b := &offsiteBucket{emulator: e, Name: "offsite-" + d.Name}
	d.Settings.OffsiteRepository = "s3:" + e.Endpoint + "/" + b.Name + "/staging"
	d.Env = append(d.Env, "TF_VAR_onprem_offsite_password="+offsitePassword,
		"TF_VAR_onprem_offsite_access_key_id=offsite-key", "TF_VAR_onprem_offsite_secret_access_key=offsite-secret")
	return b
}

// request sends a request to the bucket with an Authorization header:
// moto serves a private bucket only to a caller that names a key (it
// does not check the signature), and refuses an anonymous one.
func (b *offsiteBucket) request(t *testing.T, method, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.emulator.Endpoint+"/"+b.Name+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=offsite-key/20261206/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// objects lists the bucket's keys under prefix with their sizes.
func (b *offsiteBucket) objects(t *testing.T, prefix string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	token := ""
	for {
		q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		code, body := b.request(t, "GET", "?"+q.Encode())
		if code != 200 {
			t.Fatalf("list %s: %d %s", b.Name, code, body)
		}
		var list struct {
			Contents []struct {
				Key  string
				Size int64
			}
			IsTruncated           bool
			NextContinuationToken string
		}
		if err := xml.Unmarshal(body, &list); err != nil {
			t.Fatalf("list %s: %v: %s", b.Name, err, body)
		}
		for _, c := range list.Contents {
			out[c.Key] = c.Size
		}
		if !list.IsTruncated {
			return out
		}
		token = list.NextContinuationToken
	}
}

// Backup runs fullstack backup with args.
func (d *onPremDeployment) Backup(args ...string) (string, int) {
	d.t.Helper()
	return d.run(15*time.Minute, nil, fullstackCLI(d.t), append([]string{"backup"}, args...)...)
}

// mustBackup runs fullstack backup and fails the test unless it succeeds.
func mustBackup(t *testing.T, d *onPremDeployment, args ...string) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	out, code := d.Backup(args...)
	if code != 0 {
		t.Fatalf("backup %s: exit %d\n%s", strings.Join(args, " "), code, tailOf(out))
	}
	return out, time.Since(start)
}

// checkOffsiteRecovery: a backup round copies the dumps, the registry and
// the state off-site and drills a restore of them; the drill fails, naming
// the problem, on a truncated dump and on rows that differ from the list
// taken with the dump; then the engine's data and the state directory are
// destroyed, and the documented sequence (restore-state, deploy,
// restore-data) brings staging back from the bucket alone: the note
// written before the backup is there, the one written after is not, the
// releases and the registry's older images are back, and the plan is
// clean.
func checkOffsiteRecovery(t *testing.T, d *onPremDeployment, api string) {
	sidecar := d.Name + "-postgres-backup"
	postNote := func(title string) {
		t.Helper()
		req := exec.Command("curl", "-s", "-f", "-X", "POST", "-H", "Content-Type: application/json", "-d", `{"title":"`+title+`","body":"off-site"}`, api+"/api/notes")
		if out, err := req.CombinedOutput(); err != nil || !strings.Contains(string(out), title) {
			t.Fatalf("POST /api/notes %s: %v %s", title, err, out)
		}
	}
	marker := fmt.Sprintf("before-backup-%d", time.Now().Unix())
	postNote(marker)

	out, took := mustBackup(t, d, "now")
	for _, want := range []string{"pg-offsite: created the repository", "pg-offsite: ok", "pg-restore-drill: ok", " from snapshot ", "each as at backup time", "pg-backup-all: ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("backup now does not say %q:\n%s", want, tailOf(out))
		}
	}
	var size int64
	objects := d.bucket.objects(t, "staging/")
	for _, n := range objects {
		size += n
	}
	t.Logf("figure: first backup round (dumps, off-site copy of dumps+registry+state, drill) %s; repository %d objects, %.1f MiB", took.Round(time.Second), len(objects), float64(size)/(1<<20))
	if m := regexp.MustCompile(`pg-offsite: snapshot \w+ of .*: (\d+) bytes read, (\d+) bytes added`).FindStringSubmatch(out); m != nil {
		t.Logf("figure: off-site snapshot read %s bytes, added %s bytes", m[1], m[2])
	}
	if m := regexp.MustCompile(`pg-restore-drill: ok: .* in (\d+) s`).FindStringSubmatch(out); m != nil {
		t.Logf("figure: restore drill from the bucket %s s", m[1])
	}
	if snaps, _ := mustBackup(t, d, "snapshots"); !strings.Contains(snaps, d.Name+"-staging") {
		t.Errorf("snapshots does not list this server's snapshot:\n%s", snaps)
	}
	for _, key := range []string{"staging/config", "staging/keys/"} {
		found := false
		for k := range objects {
			found = found || strings.HasPrefix(k, key)
		}
		if !found {
			t.Errorf("the bucket has no %s: not a restic repository? %v", key, objects)
		}
	}
	// The repository is encrypted: the note's title is in no object.
	for k := range objects {
		code, body := d.bucket.request(t, "GET", "/"+k)
		if code != 200 {
			t.Fatalf("GET %s: %d %s", k, code, body)
		}
		if strings.Contains(string(body), marker) {
			t.Fatalf("object %s holds the note's title in plain text", k)
		}
	}

	t.Run("the drill fails on a truncated dump and on rows that differ from its list", func(t *testing.T) {
		newest := strings.TrimSpace(d.Docker("exec", sidecar, "sh", "-c", "ls -1 /backup/notes_api-*.dump | sort | tail -n 1"))
		list := strings.TrimSuffix(newest, ".dump") + ".tables"
		d.Docker("exec", sidecar, "sh", "-c", "cp "+newest+" /tmp/good.dump && cp "+list+" /tmp/good.tables && head -c 4000 /tmp/good.dump > "+newest)
		// The bad backup goes off-site as it would after a bad night.
		d.Docker("exec", sidecar, "/usr/local/bin/pg-offsite")
		out, code := d.Backup("drill")
		if code != 1 || !strings.Contains(out, "does not restore") || !strings.Contains(out, "FAILED") {
			t.Errorf("drill of a truncated dump: exit %d, want 1 naming it:\n%s", code, tailOf(out))
		}
		t.Logf("the drill on a truncated dump says: %s", firstLineWith(out, "does not restore"))
		d.Docker("exec", sidecar, "sh", "-c", "cat /tmp/good.dump > "+newest+` && sed -i 's/^public.notes|\([0-9]*\)|/public.notes|999\1|/' `+list)
		d.Docker("exec", sidecar, "/usr/local/bin/pg-offsite")
		out, code = d.Backup("drill")
		if code != 1 || !strings.Contains(out, "table public.notes has") || !strings.Contains(out, "at backup time") {
			t.Errorf("drill of rows that differ from the list: exit %d, want 1 naming the table:\n%s", code, tailOf(out))
		}
		t.Logf("the drill on changed rows says: %s", firstLineWith(out, "table public.notes"))
		if status := d.Docker("exec", sidecar, "cat", "/backup/.drill-status"); !strings.HasPrefix(status, "failed ") {
			t.Errorf(".drill-status after a failed drill: %q", status)
		}
		if m := d.Docker("exec", sidecar, "cat", "/backup/metrics/drill.prom"); !strings.Contains(m, "fullstack_restore_drill_last_run_success 0") {
			t.Errorf("the drill's metric after a failure:\n%s", m)
		}
		// A drill of the volume says nothing of the bucket: not recorded.
		d.Docker("exec", sidecar, "sh", "-c", "cat /tmp/good.tables > "+list)
		if out, code := d.Backup("drill", "-local"); code != 0 {
			t.Errorf("drill of the mended volume: exit %d\n%s", code, tailOf(out))
		}
		if status := d.Docker("exec", sidecar, "cat", "/backup/.drill-status"); !strings.HasPrefix(status, "failed ") {
			t.Errorf("a local drill overwrote the off-site drill's result: %q", status)
		}
	})

	t.Run("restore-data refuses to replace databases that hold rows", func(t *testing.T) {
		out, code := d.Backup("restore-data")
		if code != 1 || !strings.Contains(out, "these databases hold rows that the restore would replace: notes_api") || !strings.Contains(out, "Nothing was changed") {
			t.Errorf("restore-data on a live engine: exit %d, want a refusal naming notes_api:\n%s", code, tailOf(out))
		}
	})

	// A good round after the bad one: the newest snapshot restores whole.
	postNote(marker + "-second")
	if out, _ := mustBackup(t, d, "now"); !strings.Contains(out, "pg-backup-all: ok") {
		t.Fatalf("the second round did not pass:\n%s", tailOf(out))
	}
	postNote("after-backup")
	releasesBefore := dirNames(t, filepath.Join(d.Settings.StateDir, "releases"))
	if len(releasesBefore) == 0 {
		t.Fatal("the state directory holds no release for the recovery to bring back: record one first")
	}
	tagsBefore := registryTags(t, d, "api/notes-api")

	// The disk is lost: every container, volume, network and built image
	// of the project, and the state directory.
	start := time.Now()
	if err := d.engine.RemoveLabelled(d.Name); err != nil {
		t.Fatal(err)
	}
	for _, img := range strings.Fields(d.Docker("images", "--format", "{{.Repository}}:{{.Tag}}")) {
		if strings.HasPrefix(img, fmt.Sprintf("127.0.0.1:%d/", d.Settings.RegistryPort)) || strings.HasPrefix(img, d.Name+"-") {
			d.Docker("image", "rm", "-f", img)
		}
	}
	if err := os.RemoveAll(d.Settings.StateDir); err != nil {
		t.Fatal(err)
	}
	t.Logf("figure: engine data and state removed in %s", time.Since(start).Round(time.Second))

	out, took = mustBackup(t, d, "restore-state")
	t.Logf("figure: restore-state %s", took.Round(time.Second))
	if !strings.Contains(out, "set aside") {
		t.Errorf("restore-state on an empty engine did not set the old Terraform state aside:\n%s", tailOf(out))
	}
	if got := dirNames(t, filepath.Join(d.Settings.StateDir, "releases")); strings.Join(got, " ") != strings.Join(releasesBefore, " ") {
		t.Errorf("releases after restore-state = %v, want %v", got, releasesBefore)
	}
	if out, code := d.Backup("restore-state"); code != 1 || !strings.Contains(out, "is not empty") {
		t.Errorf("a second restore-state over a filled state directory: exit %d, want a refusal:\n%s", code, tailOf(out))
	}
	t.Logf("figure: deploy onto the empty engine %s", d.MustDeploy().Round(time.Second))
	out, took = mustBackup(t, d, "restore-data")
	t.Logf("figure: restore-data (registry merge, dumps, every database) %s", took.Round(time.Second))
	if !strings.Contains(out, "pg-restore-app: notes_api restored") {
		t.Errorf("restore-data did not restore notes_api:\n%s", tailOf(out))
	}
	if !regexp.MustCompile(`backup: \S+notes-api\S* started again and is healthy`).MatchString(out) {
		t.Errorf("restore-data did not start the API again after replacing its database:\n%s", tailOf(out))
	}
	code, body, _ := httpGet(t, "GET", api+"/api/notes", "")
	for _, want := range []string{marker, marker + "-second", `"title":"kept"`} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("after the recovery the note %s is not back: %d %s", want, code, body)
		}
	}
	if code != 200 {
		// How long it lasts tells a stale connection from lost data.
		for i := 0; i < 20 && code != 200; i++ {
			time.Sleep(time.Second)
			code, _, _ = httpGet(t, "GET", api+"/api/notes", "")
			t.Logf("after the recovery, %d s later: %d", i+1, code)
		}
		for _, c := range d.AppContainers("notes-api") {
			out, _ := d.engine.Docker("logs", "--tail", "30", c)
			t.Logf("%s's last lines:\n%s", c, out)
		}
	}
	if strings.Contains(body, "after-backup") {
		t.Errorf("a note written after the last backup came back: not restored from the bucket? %s", body)
	}
	for _, tag := range tagsBefore {
		if !strings.Contains(strings.Join(registryTags(t, d, "api/notes-api"), " "), tag) {
			t.Errorf("registry tag api/notes-api:%s is not back after the recovery", tag)
		}
	}
	assertNoChanges(t, d)
	t.Logf("figure: recovery from the bucket alone %s (restore-state, deploy, restore-data)", time.Since(start).Round(time.Second))

	t.Run("a damaged repository fails the off-site copy and is recorded", func(t *testing.T) {
		// The largest pack: it holds data (the dumps, the registry's
		// blobs), which restic check misses at once. A pack of trees,
		// which the next backup reads, makes restic retry the load with
		// backoff for about 90 s before it fails (seen once, when the
		// pack was picked at random): the same refusal, slower.
		var pack string
		var largest int64 = -1
		for k, size := range d.bucket.objects(t, "staging/data/") {
			if size > largest {
				pack, largest = k, size
			}
		}
		if pack == "" {
			t.Fatal("the repository has no data pack")
		}
		if code, body := d.bucket.request(t, "DELETE", "/"+pack); code != 204 {
			t.Fatalf("DELETE %s: %d %s", pack, code, body)
		}
		out, err := d.engine.Docker("exec", sidecar, "/usr/local/bin/pg-offsite")
		if err == nil {
			t.Fatalf("pg-offsite passed with a pack missing from the bucket:\n%s", out)
		}
		// restic notices when it checks, or, had the pack held trees of
		// the last snapshot, while it reads them.
		said := out + err.Error()
		if !strings.Contains(said, "pg-offsite: failed") ||
			!(strings.Contains(said, "restic check found a problem") || strings.Contains(said, "restic backup failed: Load(<data/")) {
			t.Errorf("pg-offsite with a pack missing does not name the problem: %s", said)
		}
		if status := d.Docker("exec", sidecar, "cat", "/backup/.offsite-status"); !strings.HasPrefix(status, "failed ") {
			t.Errorf(".offsite-status after a failed copy: %q", status)
		}
		t.Logf("pg-offsite on a damaged repository: %.200s", firstLineWith(said, "pg-offsite: restic"))
	})
}

// dirNames lists a directory's entries, sorted (none when it does not
// exist: a run of some subtests made no release).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// registryTags lists a repository's tags in the deployment's registry.
func registryTags(t *testing.T, d *onPremDeployment, repo string) []string {
	t.Helper()
	code, body, _ := httpGet(t, "GET", fmt.Sprintf("http://127.0.0.1:%d/v2/%s/tags/list", d.Settings.RegistryPort, repo), "")
	if code != 200 {
		t.Fatalf("tags of %s: %d %s", repo, code, body)
	}
	return regexp.MustCompile(`"([^"]+)"`).FindAllString(strings.SplitN(body, `"tags":`, 2)[1], -1)
}

// firstLineWith is the first line of out containing s.
func firstLineWith(out, s string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, s) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
