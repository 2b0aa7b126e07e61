package tests

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/release"
)

// cosignCLI runs cosign's own CLI (built by scripts/setup from its
// module) offline: no transparency log, no TUF fetch that matters.
type cosignCLI struct {
	bin, dockerConfig string
	env               []string
}

func newCosign(t *testing.T) *cosignCLI {
	t.Helper()
	bin := cosignPath(t)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("cosign's CLI is not built (%v): run ./scripts/setup", err)
	}
	home := t.TempDir()
	c := &cosignCLI{bin: bin, dockerConfig: filepath.Join(home, "docker")}
	c.env = append(os.Environ(), "HOME="+home, "TUF_ROOT="+filepath.Join(home, "tuf"), "DOCKER_CONFIG="+c.dockerConfig)
	return c
}

// cosignPath is where scripts/setup builds cosign's CLI: the tools cache
// outside the clone, in a folder named by the version the script pins.
func cosignPath(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "setup"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^cosign_version=(\S+)$`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("scripts/setup pins no cosign_version")
	}
	cache, err := harness.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(cache, "tools", "cosign-"+string(m[1]), "cosign")
}

// login writes registry credentials where cosign reads them (a docker
// config.json).
func (c *cosignCLI) login(t *testing.T, host, user, password string) {
	t.Helper()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	data, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}})
	os.MkdirAll(c.dockerConfig, 0o700)
	writeFile(t, filepath.Join(c.dockerConfig, "config.json"), string(data))
}

func (c *cosignCLI) run(args ...string) (string, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// verifyImage is `cosign verify --key`, offline, over plain HTTP.
func (c *cosignCLI) verifyImage(pub, ref string) (string, error) {
	return c.run("verify", "--key", pub, "--insecure-ignore-tlog", "--allow-http-registry", ref)
}

// verifyBlob is `cosign verify-blob --key --signature`, offline.
func (c *cosignCLI) verifyBlob(pub, path string) (string, error) {
	return c.run("verify-blob", "--key", pub, "--signature", release.SignatureOf(path), "--insecure-ignore-tlog", path)
}

// TestCosignAcceptsOurSignatures: the signatures the release tools write
// are cosign's: its CLI verifies a signed image and a signed manifest,
// and refuses a changed manifest and an image signed by another key; our
// verifier accepts what cosign's sign-blob writes with our key file.
func TestCosignAcceptsOurSignatures(t *testing.T) {
	inShortLane(t)
	cosign := newCosign(t)
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "state", release.PrivateKeyFile), filepath.Join(dir, "cosign.pub")
	if err := release.GenerateKeyPair(priv, pub, []byte("s3cret")); err != nil {
		t.Fatal(err)
	}
	signer, err := release.LoadSigner(priv, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	otherPriv := filepath.Join(dir, "other", release.PrivateKeyFile)
	if err := release.GenerateKeyPair(otherPriv, filepath.Join(dir, "other.pub"), nil); err != nil {
		t.Fatal(err)
	}
	other, _ := release.LoadSigner(otherPriv, nil)

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	reg := &release.Registry{Address: u.Host, PlainHTTP: true}
	ctx := context.Background()
	push := func(repo string) string {
		img, _ := random.Image(512, 2)
		tag, _ := reg.Tag(repo, "r1")
		if err := remote.Write(tag, img, reg.Options(ctx)...); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		return d.String()
	}
	signed, foreign := push("notes/api/notes-api"), push("notes/api/foreign")
	start := time.Now()
	if err := signer.SignImage(ctx, reg, "notes/api/notes-api", signed); err != nil {
		t.Fatal(err)
	}
	if err := other.SignImage(ctx, reg, "notes/api/foreign", foreign); err != nil {
		t.Fatal(err)
	}
	t.Logf("figure: two image signatures written in %s", time.Since(start).Round(time.Millisecond))

	out, err := cosign.verifyImage(pub, u.Host+"/notes/api/notes-api@"+signed)
	if err != nil || !strings.Contains(out, `"docker-manifest-digest":"`+signed+`"`) {
		t.Errorf("cosign verify of a signed image: %v\n%s", err, out)
	}
	if out, err := cosign.verifyImage(pub, u.Host+"/notes/api/foreign@"+foreign); err == nil {
		t.Errorf("cosign verify accepted an image signed by another key:\n%s", out)
	}

	m := &release.Manifest{Format: release.Format, ID: release.NewID(time.Now(), "abc123"), Project: "notes", Environment: "staging",
		Commit: "abc123", Created: time.Now().UTC().Truncate(time.Second), Registry: u.Host,
		Source: release.Source{Ref: "refs/heads/main", Run: "local", Runner: "test"},
		Checks: []release.Check{{App: "notes-api", Name: "health", URL: "http://x/healthz", Status: 200, Passed: true}},
		Apps:   map[string]release.App{"notes-api": {Kind: "api", Image: &release.Image{Repository: "notes/api/notes-api", Digest: signed}}}}
	path, err := release.SaveSigned(dir, m, signer)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cosign.verifyBlob(pub, path); err != nil || !strings.Contains(out, "Verified OK") {
		t.Errorf("cosign verify-blob of a signed manifest: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(path)
	tampered := filepath.Join(dir, "tampered.json")
	writeFile(t, tampered, strings.Replace(string(data), signed, foreign, 1))
	sig, _ := os.ReadFile(release.SignatureOf(path))
	writeFile(t, release.SignatureOf(tampered), string(sig))
	if out, err := cosign.verifyBlob(pub, tampered); err == nil {
		t.Errorf("cosign verify-blob accepted a changed manifest:\n%s", out)
	}

	// The other way round: cosign signs with our key file and password.
	cosignSig := filepath.Join(dir, "by-cosign.sig")
	cosign.env = append(cosign.env, "COSIGN_PASSWORD=s3cret")
	if out, err := cosign.run("sign-blob", "--key", priv, "--tlog-upload=false", "--output-signature", cosignSig, "-y", path); err != nil {
		t.Fatalf("cosign sign-blob with our key: %v\n%s", err, out)
	}
	keys, _ := release.LoadTrustedKeys("release.public_keys", []string{pub})
	byCosign, _ := os.ReadFile(cosignSig)
	if _, err := keys.VerifyBlob(data, byCosign); err != nil {
		t.Errorf("cosign's signature with our key does not verify with ours: %v", err)
	}
}
