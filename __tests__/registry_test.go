package tests

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/internal/harness"
)

// localRegistry is Debian's docker-registry (harness.Registry) for one
// test: stopped when the test ends.
type localRegistry struct{ *harness.Registry }

// newLocalRegistry starts a registry; user (and password) make it
// require that login.
func newLocalRegistry(t *testing.T, user, password string) *localRegistry {
	t.Helper()
	reg, err := harness.NewRegistry(t.TempDir(), user, password)
	if err != nil {
		t.Fatal(err)
	}
	r := &localRegistry{reg}
	r.start(t)
	t.Cleanup(r.Stop)
	return r
}

func (r *localRegistry) start(t *testing.T) {
	t.Helper()
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
}

func (r *localRegistry) ref(t *testing.T, ns registry.Namespace, app, tag string) name.Reference {
	t.Helper()
	s, err := registry.ImageRef(r.Addr, ns, app, tag)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(s, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func digestOf(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// pullIntact pulls ref and reads every layer, checking the digest.
func pullIntact(t *testing.T, ref name.Reference, want v1.Hash, opts ...remote.Option) {
	t.Helper()
	img, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if got := digestOf(t, img); got != want {
		t.Fatalf("pull %s: digest %s, want %s", ref, got, want)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer of %s: %v", ref, err)
		}
		buf := make([]byte, 32<<10)
		for {
			if _, err := rc.Read(buf); err != nil {
				break
			}
		}
		rc.Close()
	}
}

func countBlobs(t *testing.T, root string) int {
	t.Helper()
	n := 0
	_ = filepath.Walk(filepath.Join(root, "docker/registry/v2/blobs"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Name() == "data" {
			n++
		}
		return nil
	})
	return n
}

func runScript(t *testing.T, script string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("/bin/sh", append([]string{"-c", script, "script"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestRegistryLifecycle pushes into every namespace, deletes, collects
// garbage, snapshots, wipes the primary storage, restores, and pulls back.
func TestRegistryLifecycle(t *testing.T) {
	inShortLane(t)
	r := newLocalRegistry(t, "", "")
	images := map[registry.Namespace]v1.Image{}
	refs := map[registry.Namespace]name.Reference{}
	for _, ns := range []registry.Namespace{registry.API, registry.Site, registry.Model} {
		img, err := random.Image(256<<10, 2)
		if err != nil {
			t.Fatal(err)
		}
		images[ns], refs[ns] = img, r.ref(t, ns, "app-"+string(ns), "v1")
		if err := remote.Write(refs[ns], img); err != nil {
			t.Fatalf("push %s: %v", refs[ns], err)
		}
		pullIntact(t, refs[ns], digestOf(t, img))
	}

	// Deletes are enabled: remove the model image by digest.
	doomed := refs[registry.Model].Context().Digest(digestOf(t, images[registry.Model]).String())
	if err := remote.Delete(doomed); err != nil {
		t.Fatalf("delete %s: %v", doomed, err)
	}
	if _, err := remote.Image(refs[registry.Model]); err == nil {
		t.Fatal("a deleted image can still be pulled")
	}

	// Garbage collection (registry stopped) frees the deleted image's blobs.
	r.Stop()
	before := countBlobs(t, r.Data)
	if out, err := exec.Command("docker-registry", "garbage-collect", r.Config).CombinedOutput(); err != nil {
		t.Fatalf("garbage-collect: %v\n%s", err, out)
	}
	if after := countBlobs(t, r.Data); after >= before {
		t.Errorf("garbage collection freed nothing: %d blobs before, %d after", before, after)
	}
	r.start(t)
	pullIntact(t, refs[registry.API], digestOf(t, images[registry.API]))

	// Snapshot, with rotation: of the two older snapshots only the newer
	// survives with KEEP=2.
	backups := filepath.Join(r.Dir, "backups")
	if err := os.MkdirAll(backups, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"registry-20200101T000000Z.tar.gz", "registry-20210101T000000Z.tar.gz"} {
		writeFile(t, filepath.Join(backups, old), "old")
	}
	env := []string{"DATA_DIR=" + r.Data, "BACKUP_DIR=" + backups, "KEEP=2"}
	if out, err := runScript(t, registry.BackupScript, env); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	entries, _ := os.ReadDir(backups)
	var kept []string
	for _, e := range entries {
		kept = append(kept, e.Name())
	}
	if len(kept) != 2 || kept[0] != "registry-20210101T000000Z.tar.gz" || !strings.HasPrefix(kept[1], "registry-20") || kept[1] <= kept[0] {
		t.Fatalf("after backup with KEEP=2: %v", kept)
	}

	// A damaged snapshot is refused and nothing is deleted.
	writeFile(t, filepath.Join(backups, "registry-29990101T000000Z.tar.gz"), "not gzip")
	if out, err := runScript(t, registry.RestoreScript, env); err == nil || !strings.Contains(out, "damaged") {
		t.Fatalf("restore of a damaged snapshot: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(backups, "registry-29990101T000000Z.tar.gz"))
	if countBlobs(t, r.Data) == 0 {
		t.Fatal("a failed restore touched the primary storage")
	}

	// Lose the primary storage, restore the newest snapshot, pull back.
	r.Stop()
	if err := os.RemoveAll(r.Data); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(r.Data, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := runScript(t, registry.RestoreScript, env); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	r.start(t)
	pullIntact(t, refs[registry.API], digestOf(t, images[registry.API]))
	pullIntact(t, refs[registry.Site], digestOf(t, images[registry.Site]))
	if _, err := remote.Image(refs[registry.Model]); err == nil {
		t.Error("the restore brought back an image deleted before the snapshot")
	}
}

// TestRegistryHTPasswd checks optional basic authentication.
func TestRegistryHTPasswd(t *testing.T) {
	r := newLocalRegistry(t, "ci", "s3cret-push-pass")
	img, err := random.Image(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref := r.ref(t, registry.API, "orders", "v1")
	var terr *transport.Error
	if err := remote.Write(ref, img); !errors.As(err, &terr) || terr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous push: want 401, got %v", err)
	}
	bad := remote.WithAuth(&authn.Basic{Username: "ci", Password: "wrong"})
	if err := remote.Write(ref, img, bad); err == nil {
		t.Fatal("push with a wrong password was accepted")
	}
	good := remote.WithAuth(&authn.Basic{Username: "ci", Password: "s3cret-push-pass"})
	if err := remote.Write(ref, img, good); err != nil {
		t.Fatalf("authenticated push: %v", err)
	}
	pullIntact(t, ref, digestOf(t, img), good)
}

func TestImageRefRejectsUnknownNamespace(t *testing.T) {
	if _, err := registry.ImageRef("127.0.0.1:5000", "worker", "x", "v1"); err == nil || !strings.Contains(err.Error(), `Namespace "worker": is not one of api, site, model`) {
		t.Errorf("unknown namespace: %v", err)
	}
	if got, _ := registry.ImageRef(registry.Address("0.0.0.0", 5000), registry.API, "orders", "abc123"); got != "127.0.0.1:5000/api/orders:abc123" {
		t.Errorf("ImageRef = %s", got)
	}
}
