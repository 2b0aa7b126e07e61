package preview

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/dockercli"
	"github.com/homecloud-dev/fullstack/internal/clirun"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/stacks"
)

// home is the home server the previews run on, as the project describes
// it.
type home struct {
	p           *config.Project
	projectFile string
	previewsDir string
	engine      *dockercli.Engine
	// Where the command reports.
	stdout, stderr io.Writer
}

func newHome(p *config.Project, projectFile string) (*home, error) {
	dir, err := p.OnPrem.PreviewsDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(projectFile)
	if err != nil {
		return nil, err
	}
	return &home{p: p, projectFile: abs, previewsDir: dir, engine: &dockercli.Engine{Host: p.OnPrem.DockerHost}}, nil
}

// dir is preview n's folder.
func (h *home) dir(n int) string { return config.PreviewFolder(h.previewsDir, n) }

// outDir is where preview n is synthesized, beside the project file.
func (h *home) outDir(n int) string {
	return filepath.Join(filepath.Dir(h.projectFile), ".fullstack", "previews", naming.PreviewEnvironment(n), "cdktf.out")
}

// stackDir is preview n's synthesized stack.
func (h *home) stackDir(n int) string {
	return filepath.Join(h.outDir(n), "stacks", stacks.PreviewStackName(n))
}

// env is the environment cdktf and Terraform run preview n with: the
// caller's, the project file, the preview and its database passwords.
func (h *home) env(n int, passwords map[string]string) []string {
	env := append(os.Environ(), "FULLSTACK_PROJECT="+h.projectFile, "FULLSTACK_PREVIEW="+strconv.Itoa(n))
	for app, pw := range passwords {
		env = append(env, "TF_VAR_"+config.AppPasswordVariable(app)+"="+pw)
	}
	return env
}

// databaseApps are the apps with a database.
func (h *home) databaseApps() []string {
	var out []string
	for _, a := range h.p.Apps {
		if a.Database.Enabled {
			out = append(out, a.Name)
		}
	}
	return out
}

// synth synthesizes preview n's stack from the checkout and initializes
// it, returning its directory.
func (h *home) synth(n int, env []string) (string, error) {
	fmt.Fprintf(h.stdout, "==> preview %d: cdktf synth\n", n)
	// cdktf creates the output folder, not its parents.
	if err := os.MkdirAll(h.outDir(n), 0o755); err != nil {
		return "", err
	}
	if err := clirun.Cdktf(env, "synth", "--output", h.outDir(n)); err != nil {
		return "", err
	}
	dir := h.stackDir(n)
	return dir, clirun.Terraform(dir, env, "init", "-input=false")
}

// lock holds the previews folder's lock until the returned func runs, so
// two previews starting at once cannot both take the last place.
func (h *home) lock() (func(), error) {
	return h.flock(".lock", "")
}

// lockPreview holds preview n's own lock until the returned func runs:
// up, down and prune of one preview never overlap (a pull request closed
// while its preview deploys waits for the deploy, then removes it). The
// lock file is beside the preview's folder, which down removes.
func (h *home) lockPreview(n int) (func(), error) {
	return h.flock("."+naming.PreviewEnvironment(n)+".lock", fmt.Sprintf("preview %d: another command is deploying or removing it; waiting for it to finish", n))
}

// flock takes an exclusive lock on file in the previews folder, saying
// waiting (unless empty) when it has to wait for another process.
func (h *home) flock(file, waiting string) (func(), error) {
	if err := os.MkdirAll(h.previewsDir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(h.previewsDir, file), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if waiting != "" {
			fmt.Fprintln(h.stdout, waiting)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
	}
	return func() { f.Close() }, nil
}

// checkStaging fails unless staging's front proxy runs with the previews'
// server: a preview is routed through it.
func (h *home) checkStaging() error {
	name := frontproxy.ContainerName(h.p.Name)
	ports, err := h.engine.Docker("inspect", "--format", "{{.State.Status}} {{json .NetworkSettings.Ports}}", name)
	if err != nil {
		return fmt.Errorf("staging is not deployed on %s (no container %s): run `cdktf deploy onprem` first", h.p.OnPrem.DockerHost, name)
	}
	if !strings.HasPrefix(ports, "running ") {
		return fmt.Errorf("staging's front proxy %s is not running (%s): run `cdktf deploy onprem`", name, strings.Fields(ports)[0])
	}
	if !strings.Contains(ports, `"`+strconv.Itoa(frontproxy.PreviewListenPort)+`/tcp"`) {
		return fmt.Errorf("staging's front proxy %s has no previews server: deploy staging with this version first (`cdktf deploy onprem`)", name)
	}
	return nil
}

// notifyFailure tells staging's Alertmanager that preview n did not come
// up (its first error line), unless monitoring is off; a failure to tell
// is printed, the preview's own error stays the command's.
func (h *home) notifyFailure(n int, commit string, failure error) {
	if !h.p.Monitored() {
		return
	}
	summary, _, _ := strings.Cut(failure.Error(), "\n")
	err := alerting.Notify(h.p.OnPrem.DockerHost, h.p.Name, alerting.Event{
		Alert: "PreviewFailed", Project: naming.PreviewProject(h.p.Name, n), Target: naming.PreviewEnvironment(n),
		Instance: commit + "@" + time.Now().UTC().Format(time.RFC3339), Summary: fmt.Sprintf("preview %d did not come up: %s", n, summary),
	})
	if err != nil {
		fmt.Fprintln(h.stderr, "preview:", err)
	}
}
