package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/naming"
)

// onPremDeployment is the repository's project deployed to a private
// Docker engine: the same project file with the Docker host, the state
// directory, the project name and the host ports changed (a shared
// machine may use the defaults).
type onPremDeployment struct {
	t      *testing.T
	engine *harness.DockerEngine
	// Name is the unique project name; Dir holds the project (a copy of
	// the repository's apps and migrations); Out is the cdktf output.
	Name, Dir, Out string
	Settings       harness.OnPremSettings
	Env            []string
	cliConfig      string
	// alerts receives the home Alertmanager's webhook messages.
	alerts *alertReceiver
	// bucket stands in for the off-site S3 bucket (nil: no off-site copy).
	bucket *offsiteBucket
}

const (
	onPremSuperPassword = "super-secret-pw-1"
	// A ':' proves the .pgpass escaping.
	onPremAppPassword = "app:pass:word-12"
)

// newOnPremDeployment writes a checkout of the project for engine with its
// own name and free ports, its alerts sent to a receiver of the test's
// (and, with offsite, an off-site bucket), and removes the project's
// containers, volumes and networks from the engine when t ends.
func newOnPremDeployment(t *testing.T, engine *harness.DockerEngine, offsite bool) *onPremDeployment {
	t.Helper()
	base := t.TempDir()
	d := &onPremDeployment{
		t: t, engine: engine,
		Name:      fmt.Sprintf("t%d", time.Now().UnixNano()%1_000_000),
		Dir:       filepath.Join(base, "checkout"),
		Out:       filepath.Join(base, "checkout", "cdktf.out"),
		cliConfig: harnesstest.CLIConfigT(t),
	}
	d.Settings = harness.OnPremSettings{Name: d.Name, DockerHost: engine.Host, StateDir: filepath.Join(base, "state"), PreviewMax: 2,
		PublicKey: filepath.Join(base, "keys", "cosign.pub")}
	if err := harness.FreeOnPremPorts(&d.Settings); err != nil {
		t.Fatal(err)
	}
	d.Env = []string{
		"FULLSTACK_PROJECT=" + filepath.Join(d.Dir, "fullstack.yaml"),
		"TF_CLI_CONFIG_FILE=" + d.cliConfig,
		"CHECKPOINT_DISABLE=1",
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
		"TF_VAR_onprem_postgres_password=" + onPremSuperPassword,
		"TF_VAR_onprem_db_password_notes_api=" + onPremAppPassword,
	}
	d.alerts = startAlertReceiver(t)
	d.Settings.Webhook, d.Settings.WebhookCA = d.alerts.URL, d.alerts.CA
	if offsite {
		d.bucket = startOffsiteBucket(t, d)
	}
	d.Checkout()
	t.Cleanup(func() {
		if err := engine.RemoveLabelled(d.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return d
}

// Checkout writes a fresh copy of the project, as a clean clone would.
func (d *onPremDeployment) Checkout() {
	d.t.Helper()
	if err := harness.WriteOnPremProject(repoRoot, d.Dir, d.Settings); err != nil {
		d.t.Fatal(err)
	}
}

// run runs a command in the repository root with the deployment's
// environment (plus extra), returning its output and exit code.
func (d *onPremDeployment) run(timeout time.Duration, extra []string, name string, args ...string) (string, int) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(append(os.Environ(), d.Env...), extra...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		d.t.Fatalf("%s %s: still running after %s (waiting for input?):\n%s", name, strings.Join(args, " "), timeout, tailOf(out.String()))
	}
	if exit, ok := err.(*exec.ExitError); ok {
		return plainText(out.String()), exit.ExitCode()
	} else if err != nil {
		d.t.Fatal(err)
	}
	return plainText(out.String()), 0
}

// Deploy runs what a user runs: cdktf synth, terraform init (records the
// providers this machine has; cdktf would lock against the registry),
// cdktf deploy onprem.
func (d *onPremDeployment) Deploy(extra ...string) (string, int) {
	d.t.Helper()
	cdktf := filepath.Join(repoRoot, "node_modules", ".bin", "cdktf")
	if out, code := d.run(5*time.Minute, extra, cdktf, "synth", "--output", d.Out); code != 0 {
		return out, code
	}
	if out, err := d.terraform().Run("init", "-input=false", "-no-color"); err != nil {
		return out.Output, 1
	}
	return d.run(15*time.Minute, extra, cdktf, "deploy", "onprem", "--skip-synth", "--auto-approve", "--output", d.Out)
}

// DeployWithout deploys with the variable name missing from the
// environment.
func (d *onPremDeployment) DeployWithout(name string) (string, int) {
	d.t.Helper()
	saved := d.Env
	defer func() { d.Env = saved }()
	d.Env = nil
	for _, kv := range saved {
		if !strings.HasPrefix(kv, name+"=") {
			d.Env = append(d.Env, kv)
		}
	}
	return d.Deploy()
}

// MustDeploy deploys and fails the test when the deploy fails.
func (d *onPremDeployment) MustDeploy() time.Duration {
	d.t.Helper()
	start := time.Now()
	if out, code := d.Deploy(); code != 0 {
		d.t.Fatalf("cdktf deploy onprem failed (exit %d):\n%s", code, tailOf(out))
	}
	return time.Since(start)
}

func (d *onPremDeployment) terraform() *harness.Terraform {
	return &harness.Terraform{Dir: filepath.Join(d.Out, "stacks", "onprem"), CLIConfig: d.cliConfig, Env: d.Env}
}

// Teardown runs fullstack teardown with args.
func (d *onPremDeployment) Teardown(args ...string) (string, int) {
	d.t.Helper()
	return d.run(10*time.Minute, nil, fullstackCLI(d.t), append([]string{"teardown", "-output", d.Out}, args...)...)
}

// Preflight runs fullstack preflight.
func (d *onPremDeployment) Preflight() (string, int) {
	d.t.Helper()
	return d.run(2*time.Minute, nil, fullstackCLI(d.t), "preflight")
}

// Output decodes one stack output into v.
func (d *onPremDeployment) Output(name string, v any) {
	d.t.Helper()
	res, err := d.terraform().Run("output", "-json", name)
	if err == nil {
		err = json.Unmarshal([]byte(res.Output), v)
	}
	if err != nil {
		d.t.Fatalf("output %s: %v", name, err)
	}
}

// DSN is a libpq URL for user's own database (postgres for the
// superuser) on the published PostgreSQL port.
func (d *onPremDeployment) DSN(user, password string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password),
		Host: fmt.Sprintf("127.0.0.1:%d", d.Settings.PostgresPort), Path: "/" + user, RawQuery: "sslmode=disable"}
	return u.String()
}

// Docker runs the docker CLI against the private engine.
func (d *onPremDeployment) Docker(args ...string) string {
	d.t.Helper()
	out, err := d.engine.Docker(args...)
	if err != nil {
		d.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// AppContainers are the names of staging's containers serving app
// (running or not): one, except during a rollout.
func (d *onPremDeployment) AppContainers(app string) []string {
	d.t.Helper()
	out := d.Docker("ps", "-a", "--format", "{{.Names}}", "--filter", "label=project="+d.Name, "--filter", "label=environment=staging",
		"--filter", "label="+naming.AppLabel+"="+app)
	return strings.Fields(out)
}

// AppContainer is the name of the one container serving app.
func (d *onPremDeployment) AppContainer(app string) string {
	d.t.Helper()
	names := d.AppContainers(app)
	if len(names) != 1 {
		d.t.Fatalf("%d containers serve %s (%v), want 1", len(names), app, names)
	}
	return names[0]
}

// ContainerID is the id of the container serving app.
func (d *onPremDeployment) ContainerID(app string) string {
	d.t.Helper()
	return d.Docker("inspect", "--format", "{{.Id}}", d.AppContainer(app))
}

// runningTag is the registry tag of the image app's container runs.
func (d *onPremDeployment) runningTag(app string) string {
	d.t.Helper()
	image := d.Docker("inspect", "--format", "{{.Image}}", d.AppContainer(app))
	prefix := "127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort) + "/"
	for _, ref := range strings.Split(strings.Trim(d.Docker("image", "inspect", "--format", "{{join .RepoTags \" \"}}", image), " "), " ") {
		if strings.HasPrefix(ref, prefix) {
			return ref[strings.LastIndex(ref, ":")+1:]
		}
	}
	d.t.Fatalf("%s runs an image without a tag of the registry %s", app, prefix)
	return ""
}

// oneLine joins wrapped output so a message can be matched whole.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// httpGet fetches url and returns status, body and one response header; a
// connection error fails the test.
func httpGet(t *testing.T, method, url, header string, reqHeaders ...string) (int, string, string) {
	t.Helper()
	code, body, h, err := fetch(method, url, reqHeaders...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return code, body, h.Get(header)
}

func fetch(method, url string, reqHeaders ...string) (int, string, http.Header, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, "", nil, err
	}
	for i := 0; i+1 < len(reqHeaders); i += 2 {
		req.Header.Set(reqHeaders[i], reqHeaders[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header, nil
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// plainText drops the terminal colours and cdktf's progress lines.
func plainText(s string) string {
	s = ansi.ReplaceAllString(s, "")
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "Stack deploying") || strings.Contains(l, "Stacks deploying") || strings.Contains(l, "Stack destroying") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// tailOf is what to show of a command's output: from its first error on,
// else its last lines.
func tailOf(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "Error") || strings.Contains(l, "error:") {
			lines = lines[i:]
			break
		}
	}
	if len(lines) > 80 {
		lines = lines[len(lines)-80:]
	}
	return strings.Join(lines, "\n")
}
