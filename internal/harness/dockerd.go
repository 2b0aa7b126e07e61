package harness

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/homecloud-dev/fullstack/dockercli"
)

// DockerEngine is a private Docker daemon: its own data root (kept in a
// cache directory, so stand-in images survive between runs), exec root,
// socket and pidfile. It never touches the machine's default socket.
type DockerEngine struct {
	// Engine runs the docker CLI against the daemon; its Host is the
	// address for DOCKER_HOST, -H and the docker provider
	// ("unix:///.../docker.sock").
	dockercli.Engine
	// DataRoot holds images, containers and volumes.
	DataRoot string
	// LogPath holds dockerd's output.
	LogPath string
	proc    *process
	runDir  string
	lock    *os.File
}

// ErrNoDockerEngine says why no private engine can start here.
var ErrNoDockerEngine = errors.New("no private Docker engine")

// CanStartDockerEngine reports why a private engine cannot start on this
// machine, or nil: it needs root and dockerd (Debian's docker.io).
func CanStartDockerEngine() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: dockerd needs root (this runs as uid %d)", ErrNoDockerEngine, os.Geteuid())
	}
	if _, err := exec.LookPath("dockerd"); err != nil {
		return fmt.Errorf("%w: dockerd is not installed (apt-get install docker.io)", ErrNoDockerEngine)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return fmt.Errorf("%w: the docker CLI is not installed (apt-get install docker.io)", ErrNoDockerEngine)
	}
	return nil
}

// CacheDir is where the harness keeps what it can reuse between runs
// (the engine's data root, the Debian base image's root file system):
// $FULLSTACK_CACHE_DIR, else ~/.cache/fullstack.
func CacheDir() (string, error) {
	if d := os.Getenv("FULLSTACK_CACHE_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "fullstack"), nil
}

// StartDockerEngine starts a private dockerd with its data root under
// cacheDir and waits until it answers. One engine per data root: a second
// caller is refused while the first runs.
func StartDockerEngine(cacheDir string) (*DockerEngine, error) {
	if err := CanStartDockerEngine(); err != nil {
		return nil, err
	}
	dataRoot := filepath.Join(cacheDir, "docker-data")
	if err := os.MkdirAll(dataRoot, 0o711); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(cacheDir, "docker.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("%w: %s is in use by another run (flock: %v)", ErrNoDockerEngine, dataRoot, err)
	}
	// Short paths: a unix socket path has at most 107 bytes.
	runDir, err := os.MkdirTemp("", "fsd-")
	if err != nil {
		lock.Close()
		return nil, err
	}
	e := &DockerEngine{
		Engine:   dockercli.Engine{Host: "unix://" + filepath.Join(runDir, "docker.sock")},
		DataRoot: dataRoot,
		LogPath:  filepath.Join(runDir, "dockerd.log"),
		runDir:   runDir,
		lock:     lock,
	}
	if err := e.launch(); err != nil {
		return nil, err
	}
	// The data root outlives a run (it caches images): whatever an
	// interrupted run left (containers restart with the daemon) would hold
	// ports and names. Only the images are kept.
	if err := e.reset(); err != nil {
		e.Stop()
		return nil, err
	}
	return e, nil
}

// launch starts dockerd on the engine's socket and data root and waits
// until it answers; on failure the engine is released.
func (e *DockerEngine) launch() error {
	cmd := exec.Command("dockerd",
		"--data-root", e.DataRoot,
		"--exec-root", filepath.Join(e.runDir, "exec"),
		"--pidfile", filepath.Join(e.runDir, "docker.pid"),
		"-H", e.Host,
		"--storage-driver", "overlay2",
	)
	var err error
	if e.proc, err = startProcess(cmd, e.LogPath); err != nil {
		e.release()
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := e.Docker("version", "--format", "{{.Server.Version}}"); err == nil {
			return nil
		}
		select {
		case <-e.proc.exited:
			log, _ := os.ReadFile(e.LogPath)
			e.release()
			return fmt.Errorf("dockerd exited at start:\n%s", LastLines(log, 40))
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(e.LogPath)
			e.Stop()
			return fmt.Errorf("dockerd did not answer on %s within 60 s:\n%s", e.Host, LastLines(log, 40))
		}
	}
}

// Restart stops dockerd as a reboot of the home server would (containers
// stop with it) and starts it again on the same socket and data root;
// containers with a restart policy come back by themselves.
func (e *DockerEngine) Restart() error {
	if e.proc != nil {
		e.proc.stop(30 * time.Second)
	}
	return e.launch()
}

// BridgeGateway is the host's address on the engine's default bridge: a
// server listening there is reachable from every container. Docker's
// record of it (IPAM) was once read empty on a fresh data root, so it
// asks a few times and then reads the bridge interface itself.
func (e *DockerEngine) BridgeGateway() (string, error) {
	var ipam, bridge string
	for try := 0; try < 10; try++ {
		out, err := e.Docker("network", "inspect", "bridge", "--format",
			`{{range .IPAM.Config}}{{.Gateway}}{{end}}|{{index .Options "com.docker.network.bridge.name"}}|{{json .IPAM}}`)
		if err != nil {
			return "", err
		}
		fields := strings.SplitN(strings.TrimSpace(out), "|", 3)
		if len(fields) != 3 {
			return "", fmt.Errorf("docker network inspect bridge: unexpected answer %q", out)
		}
		if fields[0] != "" {
			return fields[0], nil
		}
		bridge, ipam = fields[1], fields[2]
		time.Sleep(500 * time.Millisecond)
	}
	if addr, err := interfaceIPv4(bridge); err == nil {
		return addr, nil
	}
	return "", fmt.Errorf("the engine's bridge network %q has no gateway address (IPAM %s)", bridge, ipam)
}

// interfaceIPv4 is a network interface's first IPv4 address.
func interfaceIPv4(name string) (string, error) {
	iface, err := net.InterfaceByName(name)
	if err != nil {
		return "", err
	}
	addrs, err := iface.Addrs()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && ip.IP.To4() != nil {
			return ip.IP.String(), nil
		}
	}
	return "", fmt.Errorf("%s has no IPv4 address", name)
}

// reset removes every container, volume and user-defined network, then
// the images no run can use again.
func (e *DockerEngine) reset() error {
	if err := e.remove(); err != nil {
		return err
	}
	e.pruneImages()
	return nil
}

// StaleAfter is how long the engine keeps what earlier runs built or
// pulled for their own registries, and build cache no build used.
const StaleAfter = 7 * 24 * time.Hour

// pruneImages removes what earlier runs left that no later run can use,
// once it is older than StaleAfter: the images tagged or pulled for the
// runs' registries (127.0.0.1:<port>/..., gone with the run), the
// untagged images, and BuildKit's unused cache. Recent ones stay: with
// Docker's classic builder they are the build cache (a multi-stage
// build's stages are untagged images). The stand-ins and the public
// images always stay. So the data root no longer grows with every run,
// and at worst a build a week starts cold. Only at the start, with no
// container left: a prune beside a run could remove an image it refers
// to by ID. A failed prune is reported, not fatal.
func (e *DockerEngine) pruneImages() {
	stale, err := e.StaleImages()
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: listing the engine's images to prune: %v\n", err)
		return
	}
	for len(stale) > 0 {
		batch := stale[:min(len(stale), 100)]
		stale = stale[len(batch):]
		if _, err := e.Docker(append([]string{"image", "rm"}, batch...)...); err != nil && !strings.Contains(err.Error(), "No such image") {
			fmt.Fprintf(os.Stderr, "harness: pruning the engine's images: %v\n", err)
		}
	}
	if _, err := e.Docker("builder", "prune", "-f", "--filter", "until="+StaleAfter.String()); err != nil {
		fmt.Fprintf(os.Stderr, "harness: pruning the engine's build cache: %v\n", err)
	}
}

// StaleImages names the images pruneImages removes at the engine's start.
func (e *DockerEngine) StaleImages() ([]string, error) {
	out, err := e.Docker("images", "--digests", "--format", "{{.ID}} {{.Repository}} {{.Tag}} {{.Digest}} {{.CreatedAt}}")
	if err != nil {
		return nil, err
	}
	return staleImages(out, time.Now().Add(-StaleAfter)), nil
}

// staleImages reads `docker images --digests` lines (ID, repository, tag,
// digest, created) and names, once each, the images created before
// cutoff that pruneImages removes: a run registry's by tag or digest, an
// untagged one by ID.
func staleImages(listing string, cutoff time.Time) []string {
	var refs []string
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		f := strings.SplitN(line, " ", 5)
		if len(f) != 5 {
			continue
		}
		created, err := time.Parse("2006-01-02 15:04:05 -0700 MST", f[4])
		if err != nil || !created.Before(cutoff) {
			continue
		}
		id, repo, tag, digest := f[0], f[1], f[2], f[3]
		var ref string
		switch {
		case repo == "<none>":
			ref = id
		case !strings.HasPrefix(repo, "127.0.0.1:") && !strings.HasPrefix(repo, "localhost:"):
			continue
		case tag != "<none>":
			ref = repo + ":" + tag
		case digest != "<none>":
			ref = repo + "@" + digest
		}
		if ref != "" && !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	return refs
}

// RemoveLabelled removes every container, volume and network labelled
// project=<project> (images stay: they are the cache).
func (e *DockerEngine) RemoveLabelled(project string) error {
	return e.remove("--filter", "label=project="+project)
}

// remove removes the containers, volumes and networks that match filter
// (all of them without one), in that order: a network or volume in use
// cannot go first. The default networks are never listed by a filter and
// cannot be removed, so without one they are pruned instead.
func (e *DockerEngine) remove(filter ...string) error {
	var errs []error
	for _, kind := range []string{"container", "volume", "network"} {
		if kind == "network" && len(filter) == 0 {
			_, err := e.Docker("network", "prune", "-f")
			errs = append(errs, err)
			continue
		}
		list := append([]string{kind, "ls", "-q"}, filter...)
		if kind == "container" {
			list = append(list, "--all")
		}
		out, err := e.Docker(list...)
		if ids := strings.Fields(out); err == nil && len(ids) > 0 {
			rm := []string{kind, "rm"}
			if kind != "network" {
				rm = append(rm, "-f")
			}
			_, err = e.Docker(append(rm, ids...)...)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Stop stops dockerd (SIGTERM, then SIGKILL after 30 s) and removes its
// run directory. The data root stays (the image cache).
func (e *DockerEngine) Stop() {
	if e.proc != nil {
		e.proc.stop(30 * time.Second)
	}
	e.release()
}

func (e *DockerEngine) release() {
	_ = os.RemoveAll(e.runDir)
	if e.lock != nil {
		_ = e.lock.Close()
		e.lock = nil
	}
}

// LastLines is the last n lines of b, for error messages that quote a log.
func LastLines(b []byte, n int) string {
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}
