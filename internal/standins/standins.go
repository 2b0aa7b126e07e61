// Package standins builds stand-ins for the public images the onprem stack
// and the sample apps name, inside a private Docker engine that cannot pull
// from Docker Hub or gcr. Each is built from Debian packages on a Debian
// base image made with debootstrap, tagged with exactly the official name,
// and honours the contract the stack relies on (README.md has the table).
// Images are rebuilt only when their definition changes (a label carries
// the definition's key).
package standins

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/pinned"
)

// BaseImage is the Debian bookworm base every stand-in starts from.
const BaseImage = "fullstack-standin/debian:bookworm"

// KeyLabel carries the key of the definition an image was built from.
const KeyLabel = "fullstack.standin-key"

//go:embed registry alpine postgres flyway/Dockerfile golang distroless nginx prometheus alertmanager blackbox nodeexporter restic
var definitions embed.FS

// Image is one stand-in.
type Image struct {
	// Name is the official reference the stack uses.
	Name string
	// Dir is the definition's folder in this package.
	Dir string
	// prepare adds generated files to the build context and returns what
	// else the key depends on.
	prepare func(context string) (key string, err error)
	// fill adds, only when the image is built, what the key already
	// names but is too large to copy for nothing (a Go toolchain).
	fill func(context string) error
}

// Images are the stand-ins, one per public image the repository's project
// names: the stacks' (package pinned) and its apps' Dockerfiles' (golang,
// distroless).
var Images = []Image{
	{Name: pinned.Registry, Dir: "registry"},
	{Name: pinned.RegistryBackup, Dir: "alpine"},
	{Name: pinned.Postgres(pinned.DefaultPostgresVersion), Dir: "postgres"},
	{Name: pinned.Flyway, Dir: "flyway", prepare: prepareFlyway},
	{Name: "golang:1.26-bookworm", Dir: "golang", prepare: prepareGolang, fill: copyGoroot},
	{Name: "gcr.io/distroless/static-debian12:nonroot", Dir: "distroless"},
	{Name: pinned.Nginx, Dir: "nginx"},
	{Name: pinned.Prometheus, Dir: "prometheus"},
	{Name: pinned.Alertmanager, Dir: "alertmanager"},
	{Name: pinned.Blackbox, Dir: "blackbox"},
	{Name: pinned.NodeExporter, Dir: "nodeexporter"},
	{Name: pinned.Restic, Dir: "restic"},
}

// Names are the references the stand-ins provide.
func Names() []string {
	out := make([]string, len(Images))
	for i, im := range Images {
		out[i] = im.Name
	}
	return out
}

// Timing is what one Build spent, for the figures in closing notes.
type Timing struct {
	Image string
	// Built is false when the cached image was still current.
	Built    bool
	Duration time.Duration
}

// Build makes sure the base image and every stand-in exist and are
// current in the engine. cacheDir keeps the base root file system's
// tarball. Progress goes to log.
func Build(e *harness.DockerEngine, cacheDir string, log io.Writer) ([]Timing, error) {
	var timings []Timing
	start := time.Now()
	built, err := ensureBase(e, cacheDir, log)
	if err != nil {
		return nil, err
	}
	timings = append(timings, Timing{Image: BaseImage, Built: built, Duration: time.Since(start)})
	for _, im := range Images {
		start := time.Now()
		built, err := ensure(e, im, log)
		if err != nil {
			return timings, fmt.Errorf("stand-in %s: %w", im.Name, err)
		}
		timings = append(timings, Timing{Image: im.Name, Built: built, Duration: time.Since(start)})
	}
	return timings, nil
}

// ensureBase imports the Debian base image, from a cached debootstrap
// tarball or a fresh debootstrap (minbase, 1-7 minutes).
func ensureBase(e *harness.DockerEngine, cacheDir string, log io.Writer) (bool, error) {
	if _, err := e.Docker("image", "inspect", BaseImage); err == nil {
		return false, nil
	}
	tarball := filepath.Join(cacheDir, "debian-bookworm-minbase.tar")
	if _, err := os.Stat(tarball); err != nil {
		if _, err := exec.LookPath("debootstrap"); err != nil {
			return false, fmt.Errorf("the stand-ins' base image needs debootstrap (apt-get install debootstrap)")
		}
		root, err := os.MkdirTemp(cacheDir, "rootfs-")
		if err != nil {
			return false, err
		}
		defer os.RemoveAll(root)
		fmt.Fprintln(log, "standins: debootstrap --variant=minbase bookworm (a few minutes, once per machine)")
		if out, err := exec.Command("debootstrap", "--variant=minbase", "bookworm", root, "http://deb.debian.org/debian").CombinedOutput(); err != nil {
			return false, fmt.Errorf("debootstrap: %w\n%s", err, harness.LastLines(out, 30))
		}
		partial := tarball + ".partial"
		if out, err := exec.Command("tar", "-C", root, "-cf", partial, ".").CombinedOutput(); err != nil {
			return false, fmt.Errorf("tar: %w\n%s", err, out)
		}
		if err := os.Rename(partial, tarball); err != nil {
			return false, err
		}
	}
	if _, err := e.Docker("image", "import", tarball, BaseImage); err != nil {
		return false, err
	}
	return true, nil
}

// ensure builds one stand-in unless the engine already has it with the
// same key.
func ensure(e *harness.DockerEngine, im Image, log io.Writer) (bool, error) {
	context, err := os.MkdirTemp("", "standin-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(context)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", BaseImage)
	if err := writeDefinition(im.Dir, context, h); err != nil {
		return false, err
	}
	if im.prepare != nil {
		extra, err := im.prepare(context)
		if err != nil {
			return false, err
		}
		fmt.Fprintf(h, "extra\x00%s\x00", extra)
	}
	key := hex.EncodeToString(h.Sum(nil))[:16]
	if have, err := e.Docker("image", "inspect", "--format", "{{index .Config.Labels \""+KeyLabel+"\"}}", im.Name); err == nil && strings.TrimSpace(have) == key {
		return false, nil
	}
	fmt.Fprintf(log, "standins: building %s\n", im.Name)
	if im.fill != nil {
		if err := im.fill(context); err != nil {
			return false, err
		}
	}
	if _, err := e.Docker("build", "--quiet", "--label", KeyLabel+"="+key, "--build-arg", "GOPROXY="+goEnv("GOPROXY"), "-t", im.Name, context); err != nil {
		return false, err
	}
	return true, nil
}

// writeDefinition copies the embedded folder dir into context and hashes
// every file (name and content) into h.
func writeDefinition(dir, context string, h io.Writer) error {
	return fs.WalkDir(definitions, dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if strings.HasSuffix(rel, ".go") {
			return nil // the runner's source: prepare builds it
		}
		data, err := definitions.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(data))
		h.Write(data)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(rel, ".sh") {
			mode = 0o755
		}
		target := filepath.Join(context, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, mode)
	})
}

// prepareFlyway builds the Flyway-compatible runner into the context.
// Without the commit stamped in (-buildvcs=false) the binary, and so the
// key, changes only with the runner's code, not with every commit.
func prepareFlyway(context string) (string, error) {
	bin := filepath.Join(context, "flyway")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", bin, "github.com/homecloud-dev/fullstack/internal/standins/flyway/runner")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build the Flyway runner: %w\n%s", err, out)
	}
	return fileHash(bin)
}

// prepareGolang writes the host's CA bundle into the context (containers
// reach the module proxy but do not trust its TLS); the key names it and
// the Go version, whose toolchain copyGoroot adds.
func prepareGolang(context string) (string, error) {
	for _, ca := range []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"} {
		if data, err := os.ReadFile(ca); err == nil {
			if err := os.WriteFile(filepath.Join(context, "ca-certificates.crt"), data, 0o644); err != nil {
				return "", err
			}
			sum := sha256.Sum256(data)
			return goEnv("GOVERSION") + " " + hex.EncodeToString(sum[:8]), nil
		}
	}
	return "", fmt.Errorf("no CA bundle found on the host")
}

// copyGoroot copies the host's Go toolchain into the context: hundreds
// of megabytes, which took up to 40 s on busy cores when copied on every
// run.
func copyGoroot(context string) error {
	goroot := goEnv("GOROOT")
	if out, err := exec.Command("cp", "-a", goroot, filepath.Join(context, "go")).CombinedOutput(); err != nil {
		return fmt.Errorf("copy %s: %w\n%s", goroot, err, out)
	}
	return nil
}

func goEnv(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
