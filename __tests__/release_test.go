package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/internal/taskrun"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
	"github.com/homecloud-dev/fullstack/stacks"
)

// releaseTools are the release, promote, verify, releases and status
// subcommands of cmd/fullstack, built once,
// run as a deploy workflow runs them (the deployment's environment, the
// checkout's project file), with the release runner's signing key.
type releaseTools struct {
	d         *onPremDeployment
	fullstack string
	emu       *harness.Emulator
	ecr       *localRegistry
	// bucket is the state bucket where promote keeps the manifests.
	bucket string
	// region is the cloud stack's (set by cloudWithRelease).
	region string
}

// signingPassword is the test signing key's COSIGN_PASSWORD.
const signingPassword = "cosign-pw-1"

func newReleaseTools(t *testing.T, d *onPremDeployment) *releaseTools {
	t.Helper()
	r := &releaseTools{d: d, fullstack: fullstackCLI(t)}
	// ECR's API is the emulator's; its registry endpoint is Debian's
	// docker-registry with basic auth for the user and password that the
	// emulator's GetAuthorizationToken hands out.
	r.emu = harnesstest.EmulatorT(t)
	user, password := r.ecrToken(t)
	r.ecr = newLocalRegistry(t, user, password)
	// The state bucket cloud-bootstrap would have made: promote keeps the
	// signed manifests there.
	r.bucket = d.Name + "-production-tfstate"
	code, body, err := r.emu.Request("s3", "eu-west-1", "PUT", "/"+r.bucket, nil,
		"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>")
	if err != nil || code != 200 {
		t.Fatalf("create the state bucket on the emulator: %d %v %s", code, err, body)
	}
	return r
}

// offsite runs fullstack releases against the emulator's state bucket.
func (r *releaseTools) offsite(args ...string) (string, int) {
	return r.d.run(time.Minute, []string{"FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint}, r.fullstack, append([]string{"releases"}, args...)...)
}

// status runs fullstack status -json against the engine and the emulator.
func (r *releaseTools) status(t *testing.T, args ...string) (statusReport, int) {
	t.Helper()
	start := time.Now()
	out, code := r.d.run(time.Minute, []string{"FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint}, r.fullstack, append([]string{"status", "-json"}, args...)...)
	t.Logf("figure: status %s (built binary) %s", strings.Join(args, " "), time.Since(start).Round(10*time.Millisecond))
	var rep statusReport
	// The output is stdout and stderr together: the report is the JSON object.
	if i := strings.Index(out, "{"); i > 0 {
		out = out[i:]
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status -json: %v\n%s", err, out)
	}
	return rep, code
}

// checkProductionStatus records the release production now runs (as the
// release and rollback workflows do) and checks that status names it.
func (r *releaseTools) checkProductionStatus(t *testing.T, path, id string, rollback bool) {
	t.Helper()
	args := []string{"record-production", "-release", path}
	if rollback {
		args = append(args, "-rollback")
	}
	if out, code := r.offsite(args...); code != 0 {
		t.Fatalf("releases %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	rep, _ := r.status(t, "-target", "production")
	if rep.Production == nil || rep.Production.Release == nil || rep.Production.Release.ID != id {
		t.Errorf("production's release in status after %s = %+v, want %s", strings.Join(args, " "), rep.Production, id)
	}
}

// statusReport is the part of cmd/fullstack/status's JSON the tests read.
type statusReport struct {
	Staging, Production *struct {
		Release *struct{ ID string }
		Apps    []struct{ App, Digest, Health string }
	}
	Backups  []struct{ Database, Result string }
	Problems []string
}

// createKey checks that no release is made without a signing key (and
// none is made up), then creates the pair as an operator does.
func (r *releaseTools) createKey(t *testing.T) {
	t.Helper()
	keyPath := filepath.Join(r.d.Settings.StateDir, release.PrivateKeyFile)
	out, code := r.record("nokeynokey00")
	if code == 0 || !strings.Contains(out, "no signing key at "+keyPath) || !strings.Contains(out, "restore it from your backup") {
		t.Errorf("release without a key: exit %d, want a refusal naming the key and how to restore it:\n%s", code, out)
	}
	if _, err := os.Stat(keyPath); !os.IsNotExist(err) {
		t.Errorf("a release without a key left a key behind: %v", err)
	}
	if ids := r.releases(t); len(ids) != 0 {
		t.Errorf("a release without a key wrote %v", ids)
	}
	out, code = r.d.run(time.Minute, []string{release.PasswordVariable + "=" + signingPassword}, r.fullstack, "release", "-generate-key")
	if code != 0 {
		t.Fatalf("release -generate-key: exit %d\n%s", code, out)
	}
	out, code = r.d.run(time.Minute, []string{release.PasswordVariable + "=" + signingPassword}, r.fullstack, "release", "-generate-key")
	if code == 0 || !strings.Contains(out, "is never replaced") {
		t.Errorf("a second -generate-key: exit %d\n%s", code, out)
	}
}

// ecrToken asks the emulator's ECR API for a token, as promote does.
func (r *releaseTools) ecrToken(t *testing.T) (string, string) {
	t.Helper()
	user, password, err := taskrun.ECRLogin(r.emu, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	return user, password
}

// record runs fullstack release for commit, built from main; it returns the
// output and the exit code.
func (r *releaseTools) record(commit string, extra ...string) (string, int) {
	return r.d.run(3*time.Minute, []string{release.PasswordVariable + "=" + signingPassword}, r.fullstack,
		append([]string{"release", "-commit", commit, "-ref", "refs/heads/main"}, extra...)...)
}

// promote runs fullstack promote against the emulator and the stand-in ECR.
func (r *releaseTools) promote(manifest string, ecr ...string) (string, int) {
	target := "http://" + r.ecr.Addr
	if len(ecr) > 0 {
		target = ecr[0]
	}
	return r.d.run(3*time.Minute, []string{"FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint}, r.fullstack, "promote", "-release", manifest, "-ecr-registry", target)
}

// verify runs fullstack verify as the production job does (manifest, then the
// signatures in the stand-in ECR).
func (r *releaseTools) verify(manifest string) (string, int) {
	return r.d.run(time.Minute, []string{"FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint}, r.fullstack, "verify", "-release", manifest, "-ecr-registry", "http://"+r.ecr.Addr)
}

// synth runs the program as `cdktf synth` does, with a release: the
// refusals come before anything is synthesized.
func (r *releaseTools) synth(t *testing.T, manifest string, extra ...string) (string, int) {
	env := append([]string{"FULLSTACK_RELEASE=" + manifest, "FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint, "CDKTF_OUTDIR=" + t.TempDir()}, extra...)
	return r.d.run(2*time.Minute, env, binary)
}

// signer is the release runner's signing key, as cmd/fullstack/release loads it.
func (r *releaseTools) signer(t *testing.T) *release.Signer {
	t.Helper()
	s, err := release.LoadSigner(release.PrivateKeyPath(r.d.Settings.StateDir, func(string) string { return "" }), []byte(signingPassword))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keys are the deployment's trusted public keys.
func (r *releaseTools) keys(t *testing.T) release.TrustedKeys {
	t.Helper()
	k, err := release.LoadTrustedKeys("release.public_keys", []string{r.d.Settings.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// writeVariant writes a copy of m changed by change, signed by s (or
// unsigned when s is nil), and returns its path.
func writeVariant(t *testing.T, dir, name string, m *release.Manifest, s *release.Signer, change func(*release.Manifest)) string {
	t.Helper()
	data, _ := m.Encode()
	v, err := release.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	change(v)
	path := filepath.Join(dir, name)
	if s == nil {
		encoded, _ := v.Encode()
		writeFile(t, path, string(encoded))
		return path
	}
	if err := release.WriteSigned(path, v, s); err != nil {
		t.Fatal(err)
	}
	return path
}

// releases are the manifests in the deployment's state directory.
func (r *releaseTools) releases(t *testing.T) []string {
	t.Helper()
	ids, err := release.List(release.Dir(r.d.Settings.StateDir))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func (r *releaseTools) manifest(t *testing.T, id string) (*release.Manifest, string) {
	t.Helper()
	path := filepath.Join(release.Dir(r.d.Settings.StateDir), id+".json")
	m, err := release.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return m, path
}

// mustRecord records a release and returns it.
func (r *releaseTools) mustRecord(t *testing.T, commit string) (*release.Manifest, string) {
	t.Helper()
	before := r.releases(t)
	out, code := r.record(commit)
	if code != 0 {
		t.Fatalf("release after a passing deploy: exit %d\n%s", code, out)
	}
	after := r.releases(t)
	if len(after) != len(before)+1 {
		t.Fatalf("release wrote %d manifests, want 1:\n%s", len(after)-len(before), out)
	}
	return r.manifest(t, after[len(after)-1])
}

// ecrHas reports whether the stand-in ECR holds repository@digest.
func (r *releaseTools) ecrHas(t *testing.T, repository, digest string) bool {
	t.Helper()
	req, err := http.NewRequest("HEAD", "http://"+r.ecr.Addr+"/v2/"+repository+"/manifests/"+digest, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(r.ecr.User, r.ecr.Password)
	req.Header.Set("Accept", strings.Join([]string{"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"}, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 404 {
		t.Fatalf("HEAD %s@%s in the ECR stand-in: %s", repository, digest, resp.Status)
	}
	return resp.StatusCode == 200
}

// cloudWithRelease synthesizes the deployment's checkout as the cloud
// stack on the emulator with release m, applies its task definitions (and
// what they need) and returns each task definition family's image as the
// emulator holds it.
func (r *releaseTools) cloudWithRelease(t *testing.T, m *release.Manifest, stateDir string) map[string]string {
	t.Helper()
	p, err := config.Load(filepath.Join(r.d.Dir, config.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	p.Cloud.Emulator = config.Emulator{Endpoint: r.emu.Endpoint}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	r.region = p.Cloud.Region
	out, err := synth.ProjectWith(p, t.TempDir(), stacks.Options{Release: m, StateDir: stateDir})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Stacks[stacks.CloudName]
	tf := &harness.Terraform{Dir: s.Dir, CLIConfig: r.d.cliConfig}
	if err := tf.Init(); err != nil {
		t.Fatal(err)
	}
	families := map[string]string{}
	for _, td := range s.Resources("aws_ecs_task_definition") {
		families[td["family"].(string)] = ""
	}
	if _, err := tf.Run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, taskTargets(s)...)...); err != nil {
		t.Fatal(err)
	}
	for family := range families {
		code, body, err := r.emu.Request("ecs", p.Cloud.Region, "POST", "/", map[string]string{
			"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition", "Content-Type": "application/x-amz-json-1.1"},
			`{"taskDefinition":"`+family+`"}`)
		var td struct {
			TaskDefinition struct {
				ContainerDefinitions []struct{ Image string } `json:"containerDefinitions"`
			} `json:"taskDefinition"`
		}
		if err != nil || code != 200 || json.Unmarshal(body, &td) != nil || len(td.TaskDefinition.ContainerDefinitions) == 0 {
			t.Fatalf("DescribeTaskDefinition %s: %d %v %s", family, code, err, body)
		}
		families[family] = td.TaskDefinition.ContainerDefinitions[0].Image
	}
	return families
}

// checkReleasePromotion is the release path on the deployed staging stack:
// record, promote, deploy by digest, refusals, rollback. It changes the
// API's source (release 2); the caller's next step checks out afresh.
func checkReleasePromotion(t *testing.T, d *onPremDeployment) {
	r := newReleaseTools(t, d)
	reg := "http://127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort)
	accept := []string{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}
	var r1 *release.Manifest
	var r1Path string

	t.Run("no signing key, no release; the key is created on purpose", r.createKey)
	t.Run("a failing check writes no release", func(t *testing.T) {
		site := d.AppContainer("notes-web")
		d.Docker("stop", site)
		out, code := r.record("badbadbadbad", "-attempts", "1")
		d.Docker("start", site)
		if code == 0 {
			t.Fatalf("release with the site stopped succeeded:\n%s", out)
		}
		for _, want := range []string{"no release was written", "notes-web: check index failed: http://127.0.0.1:" + strconv.Itoa(d.Settings.SitePort) + "/ answered"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if ids := r.releases(t); len(ids) != 0 {
			t.Errorf("a failing check left releases %v", ids)
		}
		waitFor(t, 60*time.Second, "the restarted site", func() bool {
			code, _, _, err := fetch("GET", "http://127.0.0.1:"+strconv.Itoa(d.Settings.SitePort)+"/")
			return err == nil && code == 200
		})
	})

	t.Run("a passing staging deploy writes a signed release of what runs", func(t *testing.T) {
		r1, r1Path = r.mustRecord(t, "1111111111111111")
		api := r1.Apps["notes-api"]
		if api.Image == nil || api.Migrations == nil || api.Migrations.Image == nil || r1.Apps["notes-web"].Site == nil {
			t.Fatalf("release lacks the API image, its migration image or the site: %+v", r1.Apps)
		}
		// The digest the home registry answers for the running tag, and the
		// one the engine recorded when it pulled the running image.
		_, _, digest := httpGet(t, "HEAD", reg+"/v2/api/notes-api/manifests/"+d.runningTag("notes-api"), "Docker-Content-Digest", accept...)
		running := d.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", d.Docker("inspect", "--format", "{{.Image}}", d.AppContainer("notes-api")))
		if api.Image.Digest != digest || !strings.Contains(running, "api/notes-api@"+digest) {
			t.Errorf("release digest %s; the registry holds %s for the running tag; the container's image has %s", api.Image.Digest, digest, running)
		}
		if len(api.Migrations.Files) == 0 || len(r1.Checks) != 3 {
			t.Errorf("migrations %v, checks %v", api.Migrations.Files, r1.Checks)
		}
		if _, _, err := release.LoadVerified(r1Path, r.keys(t)); err != nil {
			t.Errorf("the release does not verify with the repository's public key: %v", err)
		}
		if r1.Source.Ref != "refs/heads/main" || r1.Source.Run != "local" || r1.Source.Runner == "" {
			t.Errorf("source = %+v", r1.Source)
		}
		home := &release.Registry{Address: "127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort), PlainHTTP: true}
		for _, img := range r1.Images() {
			if _, err := release.VerifyImage(context.Background(), home, img.Repository, img.Digest, r.keys(t)); err != nil {
				t.Errorf("image not signed in the home registry: %v", err)
			}
		}
	})
	if r1 == nil {
		t.FailNow()
	}

	t.Run("promote copies exactly those digests, once", func(t *testing.T) {
		out, code := r.promote(r1Path)
		if code != 0 {
			t.Fatalf("promote: exit %d\n%s", code, out)
		}
		t.Logf("figure: promote (first copy) %s", lastLine(out))
		for _, img := range []release.Image{*r1.Apps["notes-api"].Image, *r1.Apps["notes-api"].Migrations.Image} {
			if !r.ecrHas(t, d.Name+"/api/notes-api", img.Digest) {
				t.Errorf("ECR stand-in lacks %s/api/notes-api@%s", d.Name, img.Digest)
			}
		}
		if !strings.Contains(out, "2 images copied") {
			t.Errorf("first promote: %s", out)
		}
		out, code = r.promote(r1Path)
		if code != 0 || !strings.Contains(out, "0 images copied (0 bytes), 2 already in ECR") {
			t.Errorf("second promote copied again: exit %d\n%s", code, out)
		}
		// cosign's own CLI accepts the promoted image and the manifest.
		cosign := newCosign(t)
		cosign.login(t, r.ecr.Addr, r.ecr.User, r.ecr.Password)
		ref := r.ecr.Addr + "/" + d.Name + "/api/notes-api@" + r1.Apps["notes-api"].Image.Digest
		if out, err := cosign.verifyImage(d.Settings.PublicKey, ref); err != nil {
			t.Errorf("cosign verify %s: %v\n%s", ref, err, out)
		}
		if out, err := cosign.verifyBlob(d.Settings.PublicKey, r1Path); err != nil {
			t.Errorf("cosign verify-blob %s: %v\n%s", r1Path, err, out)
		}
		// The production job's verification accepts it.
		if out, code := r.verify(r1Path); code != 0 || !strings.Contains(out, "2 image signatures verified in ECR") {
			t.Errorf("verify of a promoted release: exit %d\n%s", code, out)
		}
	})

	t.Run("the signed manifest is kept off the home server, and production's release is recorded", func(t *testing.T) {
		out, code := r.offsite("list")
		if code != 0 || !strings.Contains(out, "  "+r1.ID) {
			t.Fatalf("releases list after promote: exit %d\n%s", code, out)
		}
		if out, code := r.offsite("record-production", "-release", r1Path); code != 0 {
			t.Fatalf("record-production: exit %d\n%s", code, out)
		}
		if out, code := r.offsite("list"); code != 0 || !strings.Contains(out, "* "+r1.ID) || !strings.Contains(out, "production runs "+r1.ID) {
			t.Errorf("releases list does not mark production's release: exit %d\n%s", code, out)
		}
		// Fetched with no home server involved, verified before written.
		dir := t.TempDir()
		fetched := filepath.Join(dir, "release.json")
		if out, code := r.offsite("fetch", r1.ID, "-out", fetched); code != 0 {
			t.Fatalf("releases fetch: exit %d\n%s", code, out)
		}
		want, _ := os.ReadFile(r1Path)
		if got, _ := os.ReadFile(fetched); string(got) != string(want) {
			t.Error("the fetched manifest is not the one promoted")
		}
		// A manifest changed in the bucket is refused and nothing written.
		key := "/" + r.bucket + "/" + d.Name + "/releases/" + r1.ID + ".json"
		changed := strings.Replace(string(want), r1.Apps["notes-api"].Image.Digest, "sha256:"+strings.Repeat("1", 64), 1)
		if code, body, err := r.emu.Request("s3", "eu-west-1", "PUT", key, nil, changed); err != nil || code != 200 {
			t.Fatalf("change the kept manifest: %d %v %s", code, err, body)
		}
		refused := filepath.Join(dir, "refused.json")
		if out, code := r.offsite("fetch", r1.ID, "-out", refused); code == 0 || !strings.Contains(out, "not made by any trusted key") || !strings.Contains(out, "nothing was written") {
			t.Errorf("fetch of a changed manifest: exit %d\n%s", code, out)
		}
		if _, err := os.Stat(refused); !os.IsNotExist(err) {
			t.Error("a refused fetch wrote the manifest")
		}
		// Another signed release copied over this id is refused too.
		other := writeVariant(t, dir, "other.json", r1, r.signer(t), func(m *release.Manifest) { m.ID = "20200101T000000Z-0123456789ab" })
		otherData, _ := os.ReadFile(other)
		otherSig, _ := os.ReadFile(release.SignatureOf(other))
		for k, body := range map[string]string{key: string(otherData), key + ".sig": string(otherSig)} {
			if code, b, err := r.emu.Request("s3", "eu-west-1", "PUT", k, nil, body); err != nil || code != 200 {
				t.Fatalf("replace %s: %d %v %s", k, code, err, b)
			}
		}
		if out, code := r.offsite("fetch", r1.ID, "-out", refused); code == 0 || !strings.Contains(out, "holds release 20200101T000000Z-0123456789ab, not "+r1.ID) {
			t.Errorf("fetch of another release under this id: exit %d\n%s", code, out)
		}
		// Promote again puts the signed one back.
		if out, code := r.promote(r1Path); code != 0 {
			t.Fatalf("promote again: exit %d\n%s", code, out)
		}
		if out, code := r.offsite("fetch", r1.ID, "-out", refused); code != 0 {
			t.Errorf("fetch after promoting again: exit %d\n%s", code, out)
		}
	})

	t.Run("status names the release staging and production run, reading the engine and the bucket", func(t *testing.T) {
		rep, _ := r.status(t)
		if rep.Staging == nil || rep.Staging.Release == nil || rep.Staging.Release.ID != r1.ID {
			t.Errorf("staging's release in status = %+v, want %s", rep.Staging, r1.ID)
		}
		if rep.Production == nil || rep.Production.Release == nil || rep.Production.Release.ID != r1.ID {
			t.Errorf("production's release in status = %+v, want %s (the recorded one)", rep.Production, r1.ID)
		}
		for _, a := range rep.Staging.Apps {
			if a.App == "notes-api" && (a.Health != "healthy" || a.Digest != r1.Apps["notes-api"].Image.Digest) {
				t.Errorf("notes-api in status: %+v, want healthy with %s", a, r1.Apps["notes-api"].Image.Digest)
			}
		}
		if len(rep.Backups) == 0 {
			t.Error("status shows no database backup")
		}
		// A stopped app shows as such, and the exit code says so.
		name, err := r.d.engine.Docker("ps", "-q", "--filter", "label=project="+r.d.Name, "--filter", "label="+naming.AppLabel+"=notes-api", "--filter", "status=running")
		if err != nil || strings.TrimSpace(name) == "" {
			t.Fatalf("the running notes-api container: %v %q", err, name)
		}
		name = strings.TrimSpace(name)
		if _, err := r.d.engine.Docker("stop", name); err != nil {
			t.Fatal(err)
		}
		rep, code := r.status(t, "-target", "staging")
		for _, a := range rep.Staging.Apps {
			if a.App == "notes-api" && a.Health != "stopped" {
				t.Errorf("a stopped notes-api shows as %q", a.Health)
			}
		}
		if code == 0 {
			t.Error("status exits 0 with an app stopped")
		}
		if _, err := r.d.engine.Docker("start", name); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(90 * time.Second)
		for {
			health, _ := r.d.engine.Docker("inspect", "--format", "{{.State.Health.Status}}", name)
			if strings.TrimSpace(health) == "healthy" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("notes-api is %q 90 s after its restart", strings.TrimSpace(health))
			}
			time.Sleep(2 * time.Second)
		}
	})

	t.Run("promote, the production verification and the cloud synth refuse what was not signed, and act on nothing", func(t *testing.T) {
		dir := t.TempDir()
		data, _ := os.ReadFile(r1Path)
		sig, _ := os.ReadFile(release.SignatureOf(r1Path))
		signer := r.signer(t)
		otherKey := filepath.Join(t.TempDir(), "other.key")
		if err := release.GenerateKeyPair(otherKey, otherKey+".pub", nil); err != nil {
			t.Fatal(err)
		}
		other, _ := release.LoadSigner(otherKey, nil)
		withSig := func(name, manifest string, signature []byte) string {
			path := writeFile(t, filepath.Join(dir, name), manifest)
			if signature != nil {
				writeFile(t, release.SignatureOf(path), string(signature))
			}
			return path
		}
		zero := "sha256:" + strings.Repeat("0", 64)
		setAPI := func(digest string) func(*release.Manifest) {
			return func(m *release.Manifest) {
				api := m.Apps["notes-api"]
				img := *api.Image
				img.Digest = digest
				api.Image = &img
				m.Apps["notes-api"] = api
			}
		}
		// An image the home registry holds that no release signed.
		home := &release.Registry{Address: "127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort), PlainHTTP: true}
		unsignedDigest := pushRandomImage(t, home, "api/notes-api", "unsigned")
		gone := "sha256:" + strings.Repeat("e", 64)
		closed, _ := harness.FreePort()
		cases := []struct {
			name, manifest, ecr, want string
			synthToo                  bool
		}{
			{"missing manifest", filepath.Join(dir, "nope.json"), "", "nope.json: open", false},
			{"unsigned manifest", withSig("unsigned.json", string(data), nil), "", "is not signed: " + filepath.Join(dir, "unsigned.json.sig") + " is missing", true},
			{"corrupt manifest", withSig("corrupt.json", string(data[:len(data)/2]), sig), "", "the signature was not made by any trusted key", false},
			{"tampered digest", withSig("tampered.json", strings.Replace(string(data), r1.Apps["notes-api"].Image.Digest, zero, 1), sig), "", "the signature was not made by any trusted key", true},
			{"forged: signed by another key", writeVariant(t, dir, "forged.json", r1, other, setAPI(zero)), "", "the signature was not made by any trusted key", true},
			{"built from another branch", writeVariant(t, dir, "branch.json", r1, signer, func(m *release.Manifest) { m.Source.Ref = "refs/heads/feature" }), "",
				"was built from refs/heads/feature (run local): releases come only from refs/heads/main", true},
			{"digest not in the home registry", writeVariant(t, dir, "missing.json", r1, signer, setAPI(gone)), "",
				"notes-api: the home registry 127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort) + " does not hold the image api/notes-api@" + gone, false},
			{"unsigned image", writeVariant(t, dir, "unsigned-image.json", r1, signer, setAPI(unsignedDigest)), "",
				"notes-api: image: 127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort) + "/api/notes-api@" + unsignedDigest + " is not signed", false},
			{"unreachable ECR", r1Path, fmt.Sprintf("http://127.0.0.1:%d", closed), fmt.Sprintf("ECR registry 127.0.0.1:%d:", closed), false},
		}
		for _, c := range cases {
			var ecr []string
			if c.ecr != "" {
				ecr = []string{c.ecr}
			}
			out, code := r.promote(c.manifest, ecr...)
			if code == 0 || !strings.Contains(oneLine(out), c.want) || !strings.Contains(out, "nothing was copied") {
				t.Errorf("promote, %s: exit %d, want a refusal saying %q and nothing was copied:\n%s", c.name, code, c.want, out)
			}
			if !c.synthToo {
				continue
			}
			if out, code := r.verify(c.manifest); code == 0 || !strings.Contains(oneLine(out), c.want) || !strings.Contains(out, "do not deploy it") {
				t.Errorf("production verification, %s: exit %d, want %q:\n%s", c.name, code, c.want, out)
			}
			if out, code := r.synth(t, c.manifest); code == 0 || !strings.Contains(oneLine(out), c.want) || !strings.Contains(out, "nothing was synthesized") {
				t.Errorf("cloud synth, %s: exit %d, want %q:\n%s", c.name, code, c.want, out)
			}
		}
		for _, digest := range []string{gone, unsignedDigest, zero} {
			if r.ecrHas(t, d.Name+"/api/notes-api", digest) {
				t.Errorf("a refused promotion copied %s", digest)
			}
		}
		// A release whose manifest verifies but whose image in ECR has no
		// signature (pushed around promote) is refused by production.
		ecrReg := &release.Registry{Address: r.ecr.Addr, PlainHTTP: true, Username: r.ecr.User, Password: r.ecr.Password}
		sneaked := pushRandomImage(t, ecrReg, d.Name+"/api/notes-api", "sneaked")
		path := writeVariant(t, dir, "sneaked.json", r1, signer, setAPI(sneaked))
		if out, code := r.verify(path); code == 0 || !strings.Contains(out, "/api/notes-api@"+sneaked+" is not signed") {
			t.Errorf("production verification of an unsigned image in ECR: exit %d\n%s", code, out)
		}
	})

	// The cloud state lives as long as this test's emulator; both go at
	// its end (the cloud stack's destroy is TestCloudOnEmulator's).
	stateDir := t.TempDir()
	var r2 *release.Manifest
	t.Run("the cloud stack runs the release's digests; an earlier release rolls back", func(t *testing.T) {
		images := r.cloudWithRelease(t, r1, stateDir)
		repo := "/" + d.Name + "/api/notes-api@"
		apiFamily := d.Name + "-notes-api"
		wantAPI, wantFlyway := repo+r1.Apps["notes-api"].Image.Digest, repo+r1.Apps["notes-api"].Migrations.Image.Digest
		if !strings.HasSuffix(images[apiFamily], wantAPI) || !strings.HasSuffix(images[apiFamily+"-flyway"], wantFlyway) {
			t.Fatalf("task definitions run %v, want ...%s and ...%s", images, wantAPI, wantFlyway)
		}
		t.Run("the task definitions run as Fargate would run them", func(t *testing.T) {
			checkCloudTasksRun(t, r, r.region, strings.SplitN(images[apiFamily], "/", 2)[0])
		})
		// Release 2: a one-line change of the API's source.
		main := filepath.Join(d.Dir, "apps", "notes-api", "main.go")
		src, _ := os.ReadFile(main)
		writeFile(t, main, string(src)+"\n// release 2\n")
		// A one-line API change rolls out with no failed request.
		p := startProbe(rolloutProbeURLs(d)...)
		start := time.Now()
		out, code := d.Deploy()
		took := time.Since(start)
		checkNoFailures(t, "API rollout", p)
		if code != 0 {
			t.Fatalf("deploy of release 2: %s", tailOf(out))
		}
		t.Logf("figure: API redeploy (one-line change) %s; image build alone (the same kind of change, built directly): %s", took.Round(time.Second), directBuildTime(t, d, main).Round(time.Second))
		var r2Path string
		r2, r2Path = r.mustRecord(t, "2222222222222222")
		if r2.Apps["notes-api"].Image.Digest == r1.Apps["notes-api"].Image.Digest {
			t.Fatal("release 2 has release 1's API digest")
		}
		out, code = r.promote(r2Path)
		if code != 0 || !strings.Contains(out, "1 images copied") || !strings.Contains(out, "1 already in ECR") {
			t.Fatalf("promote release 2 (new API image, same migration image): exit %d\n%s", code, out)
		}
		images = r.cloudWithRelease(t, r2, stateDir)
		if want := repo + r2.Apps["notes-api"].Image.Digest; !strings.HasSuffix(images[apiFamily], want) {
			t.Errorf("after release 2 the API runs %s, want ...%s", images[apiFamily], want)
		}
		r.checkProductionStatus(t, r2Path, r2.ID, false)
		images = r.cloudWithRelease(t, r1, stateDir)
		if !strings.HasSuffix(images[apiFamily], wantAPI) {
			t.Errorf("after rolling back to release 1 the API runs %s, want ...%s", images[apiFamily], wantAPI)
		}
		// As the rollback workflow does: the record, then status names it.
		r.checkProductionStatus(t, r1Path, r1.ID, true)
	})
	t.Run("a rollback keeps the checkout's infrastructure and refuses divergent migrations", func(t *testing.T) {
		later := filepath.Join(d.Dir, "migrations", "notes-api", "V99__later.sql")
		writeFile(t, later, "SELECT 1;\n")
		defer os.Remove(later)
		// r1's migrations are a prefix of the checkout's: a rollback deploys
		// (the plain deploy refuses it, below).
		if out, code := r.synth(t, r1Path, "FULLSTACK_ROLLBACK=yes"); code != 0 {
			t.Errorf("rollback to r1 on a checkout with one more migration: exit %d\n%s", code, tailOf(out))
		}
		// An edited, already released migration is not a prefix.
		first := filepath.Join(d.Dir, "migrations", "notes-api", r1.Apps["notes-api"].Migrations.Files[0].File)
		sql, _ := os.ReadFile(first)
		writeFile(t, first, string(sql)+"\n-- edited after release\n")
		defer writeFile(t, first, string(sql))
		want := "notes-api: the release's migrations are not a prefix of the checkout's: " + r1.Apps["notes-api"].Migrations.Files[0].File + " has checksum"
		if out, code := r.synth(t, r1Path, "FULLSTACK_ROLLBACK=yes"); code == 0 || !strings.Contains(out, want) {
			t.Errorf("rollback onto an edited migration: exit %d, want %q\n%s", code, want, tailOf(out))
		}
	})
	t.Run("the cloud deploy refuses a release whose migrations or site differ", func(t *testing.T) {
		writeFile(t, filepath.Join(d.Dir, "migrations", "notes-api", "V99__later.sql"), "SELECT 1;\n")
		index := filepath.Join(d.Dir, "apps", "notes-web", "index.html")
		page, _ := os.ReadFile(index)
		writeFile(t, index, string(page)+"<!-- later -->\n")
		defer func() {
			os.Remove(filepath.Join(d.Dir, "migrations", "notes-api", "V99__later.sql"))
			writeFile(t, index, string(page))
		}()
		cdktf := filepath.Join(repoRoot, "node_modules", ".bin", "cdktf")
		out, code := d.run(3*time.Minute, []string{"FULLSTACK_RELEASE=" + r1Path, "FULLSTACK_AWS_ENDPOINT=" + r.emu.Endpoint}, cdktf, "synth", "--output", t.TempDir())
		for _, want := range []string{"does not match this checkout; nothing was applied", "notes-api: migrations differ: V99__later.sql is only in the checkout", "notes-web: site files differ: index.html changed"} {
			if code == 0 || !strings.Contains(out, want) {
				t.Errorf("cdktf synth with a release of another checkout: exit %d, want %q:\n%s", code, want, tailOf(out))
			}
		}
	})
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not ready within %s", what, limit)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// directBuildTime builds the API's context with one more line changed,
// straight on the engine, and returns how long the build took: the floor a
// deploy of a one-line change cannot go below.
func directBuildTime(t *testing.T, d *onPremDeployment, mainFile string) time.Duration {
	t.Helper()
	ctx := filepath.Join(t.TempDir(), "api")
	if out, err := exec.Command("cp", "-r", filepath.Dir(mainFile), ctx).CombinedOutput(); err != nil {
		t.Fatalf("copy the API's context: %v %s", err, out)
	}
	src, _ := os.ReadFile(filepath.Join(ctx, "main.go"))
	writeFile(t, filepath.Join(ctx, "main.go"), string(src)+"\n// build timing\n")
	start := time.Now()
	if _, err := d.engine.Docker("build", "-q", "-t", "build-timing:latest", ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	_, _ = d.engine.Docker("rmi", "build-timing:latest")
	return took
}

// pushRandomImage pushes a small random image to reg's repository:tag and
// returns its digest.
func pushRandomImage(t *testing.T, reg *release.Registry, repository, tag string) string {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := reg.Tag(repository, tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, reg.Options(context.Background())...); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}
