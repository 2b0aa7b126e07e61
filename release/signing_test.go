package release

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// keyPair writes a key pair into a temporary directory and returns its
// signer and the trusted keys holding its public key.
func keyPair(t *testing.T, password string) (*Signer, TrustedKeys, string) {
	t.Helper()
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "state", PrivateKeyFile), filepath.Join(dir, "keys", "cosign.pub")
	if err := GenerateKeyPair(priv, pub, []byte(password)); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSigner(priv, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := LoadTrustedKeys("release.public_keys", []string{pub})
	if err != nil {
		t.Fatal(err)
	}
	return s, keys, dir
}

func TestKeyPairIsCosignsFormatAndNeverReplaced(t *testing.T) {
	s, _, dir := keyPair(t, "pw")
	priv, _ := os.ReadFile(s.Path)
	if !strings.HasPrefix(string(priv), "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----") {
		t.Errorf("private key is not cosign's encrypted PEM:\n%s", priv)
	}
	if info, _ := os.Stat(s.Path); info.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", info.Mode().Perm())
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "keys", "cosign.pub"))
	if !strings.HasPrefix(string(pub), "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("public key is not a PKIX PEM:\n%s", pub)
	}
	err := GenerateKeyPair(s.Path, filepath.Join(dir, "other.pub"), []byte("pw"))
	if err == nil || !strings.Contains(err.Error(), "is never replaced") {
		t.Errorf("a second key over the first: %v", err)
	}
	if again, _ := os.ReadFile(s.Path); string(again) != string(priv) {
		t.Error("the private key changed")
	}
	if _, err := LoadSigner(s.Path, []byte("wrong")); err == nil || !strings.Contains(err.Error(), "cannot decrypt it with COSIGN_PASSWORD") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = LoadSigner(filepath.Join(dir, "gone.key"), nil)
	if !errors.Is(err, ErrNoSigningKey) || !strings.Contains(err.Error(), "restore it from your backup") || !strings.Contains(err.Error(), "-generate-key") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone.key")); !os.IsNotExist(err) {
		t.Error("loading a missing key created one")
	}
}

func TestManifestSignatureRefusesForgedTamperedAndUnsigned(t *testing.T) {
	s, keys, _ := keyPair(t, "")
	other, _, _ := keyPair(t, "")
	dir := t.TempDir()
	m := sample()
	path, err := SaveSigned(dir, m, s)
	if err != nil {
		t.Fatal(err)
	}
	got, key, err := LoadVerified(path, keys)
	if err != nil || got.ID != m.ID || !strings.Contains(key, "release.public_keys[0]") {
		t.Fatalf("a signed manifest: %v (key %q)", err, key)
	}
	data, _ := os.ReadFile(path)
	sig, _ := os.ReadFile(SignatureOf(path))
	write := func(name, manifest string, signature []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(manifest), 0o644)
		if signature != nil {
			os.WriteFile(SignatureOf(p), signature, 0o644)
		}
		return p
	}
	tampered := strings.Replace(string(data), digestA, "sha256:"+strings.Repeat("0", 64), 1)
	forgedSig, _ := other.SignBlob([]byte(tampered))
	for _, c := range []struct{ name, path, want string }{
		{"unsigned", write("unsigned.json", string(data), nil), "is not signed: " + filepath.Join(dir, "unsigned.json.sig") + " is missing"},
		{"tampered digest", write("tampered.json", tampered, sig), "was not made by any trusted key"},
		{"signed by another key", write("forged.json", tampered, forgedSig), "was not made by any trusted key"},
		{"garbage signature", write("garbage.json", string(data), []byte("not base64!")), "not base64"},
	} {
		if _, _, err := LoadVerified(c.path, keys); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Rotation: a manifest signed by either listed key verifies.
	both := append(TrustedKeys{}, keys...)
	otherPub, _ := other.PublicKeyPEM()
	k, err := ParsePublicKey("release.public_keys[1] new.pub", otherPub)
	if err != nil {
		t.Fatal(err)
	}
	both = append(both, k)
	if name, err := both.VerifyBlob([]byte(tampered), forgedSig); err != nil || name != k.Name {
		t.Errorf("the second key of a rotation: %q %v", name, err)
	}
	if err := keys.Trusts(other); err == nil || !strings.Contains(err.Error(), "is not one of release.public_keys") {
		t.Errorf("a signer whose key is not listed: %v", err)
	}
}

func TestImageSignaturesInARegistry(t *testing.T) {
	s, keys, _ := keyPair(t, "pw")
	other, otherKeys, _ := keyPair(t, "pw")
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	reg := &Registry{Address: u.Host, PlainHTTP: true}
	ctx := context.Background()
	push := func(repo string) string {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		tag, _ := reg.Tag(repo, "v1")
		if err := remote.Write(tag, img, reg.Options(ctx)...); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		return d.String()
	}
	digest, unsigned := push("api/notes-api"), push("api/unsigned")
	if err := s.SignImage(ctx, reg, "api/notes-api", digest); err != nil {
		t.Fatal(err)
	}
	if name, err := VerifyImage(ctx, reg, "api/notes-api", digest, keys); err != nil || name == "" {
		t.Fatalf("a signed image: %q %v", name, err)
	}
	// Signing again with the same key adds nothing; another key adds a
	// layer, and both verify.
	sigRef, _ := reg.Tag("api/notes-api", SignatureTag(digest))
	layers := func() int {
		img, err := remote.Image(sigRef, reg.Options(ctx)...)
		if err != nil {
			t.Fatal(err)
		}
		ls, _ := img.Layers()
		return len(ls)
	}
	if err := s.SignImage(ctx, reg, "api/notes-api", digest); err != nil || layers() != 1 {
		t.Errorf("signing twice with one key: %v, %d layers", err, layers())
	}
	if err := other.SignImage(ctx, reg, "api/notes-api", digest); err != nil || layers() != 2 {
		t.Errorf("a second key's signature: %v, %d layers", err, layers())
	}
	if _, err := VerifyImage(ctx, reg, "api/unsigned", unsigned, keys); err == nil || !strings.Contains(err.Error(), "is not signed") {
		t.Errorf("unsigned image: %v", err)
	}
	// A signature moved onto another digest names the digest it signed.
	img, _ := remote.Image(sigRef, reg.Options(ctx)...)
	moved, _ := reg.Tag("api/unsigned", SignatureTag(unsigned))
	if err := remote.Write(moved, img, reg.Options(ctx)...); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyImage(ctx, reg, "api/unsigned", unsigned, keys); err == nil || !strings.Contains(err.Error(), "signed for "+digest) {
		t.Errorf("a signature of another digest: %v", err)
	}
	// Copied with its image's signatures, it verifies in the target.
	dst := &Registry{Address: u.Host, PlainHTTP: true}
	if _, err := Copy(ctx, reg, "api/notes-api", digest, dst, "notes/api/notes-api", "r1"); err != nil {
		t.Fatal(err)
	}
	if err := CopySignatures(ctx, reg, "api/notes-api", digest, dst, "notes/api/notes-api", otherKeys); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyImage(ctx, dst, "notes/api/notes-api", digest, otherKeys); err != nil {
		t.Errorf("after the copy: %v", err)
	}
}

// BenchmarkSignRelease signs a release of three apps as cmd/fullstack/release does
// (each app image and migration image in a registry, then the manifest),
// and BenchmarkVerifyRelease verifies it as promote and cmd/fullstack/verify do.
//
//	go test -run '^$' -bench 'SignRelease|VerifyRelease' -benchtime 20x ./release/
func BenchmarkSignRelease(b *testing.B) { benchRelease(b, false) }

func BenchmarkVerifyRelease(b *testing.B) { benchRelease(b, true) }

func benchRelease(b *testing.B, verify bool) {
	dir := b.TempDir()
	priv, pub := filepath.Join(dir, PrivateKeyFile), filepath.Join(dir, "cosign.pub")
	if err := GenerateKeyPair(priv, pub, []byte("pw")); err != nil {
		b.Fatal(err)
	}
	s, _ := LoadSigner(priv, []byte("pw"))
	keys, _ := LoadTrustedKeys("k", []string{pub})
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	reg := &Registry{Address: u.Host, PlainHTTP: true}
	ctx := context.Background()
	// Six unsigned images: three apps, each with a migration image.
	push := func() []string {
		var digests []string
		for range 6 {
			img, _ := random.Image(256, 1)
			d, _ := img.Digest()
			tag, _ := reg.Tag("api/app", strings.TrimPrefix(d.String(), "sha256:")[:20])
			if err := remote.Write(tag, img, reg.Options(ctx)...); err != nil {
				b.Fatal(err)
			}
			digests = append(digests, d.String())
		}
		return digests
	}
	sign := func(digests []string) string {
		for _, d := range digests {
			if err := s.SignImage(ctx, reg, "api/app", d); err != nil {
				b.Fatal(err)
			}
		}
		path, err := SaveSigned(b.TempDir(), sample(), s)
		if err != nil {
			b.Fatal(err)
		}
		return path
	}
	digests := push()
	path := sign(digests)
	b.ResetTimer()
	for range b.N {
		if !verify {
			b.StopTimer()
			fresh := push()
			b.StartTimer()
			sign(fresh)
			continue
		}
		if _, _, err := LoadVerified(path, keys); err != nil {
			b.Fatal(err)
		}
		for _, d := range digests {
			if _, err := VerifyImage(ctx, reg, "api/app", d, keys); err != nil {
				b.Fatal(err)
			}
		}
	}
}
