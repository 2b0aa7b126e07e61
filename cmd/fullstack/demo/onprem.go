package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/internal/browsercheck"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/standins"
)

// onPremDemo is the repository's project deployed to a private Docker
// engine with stand-ins for the public images: the real cdktf CLI,
// Terraform and the docker and postgresql providers.
type onPremDemo struct {
	engine   *harness.DockerEngine
	settings harness.OnPremSettings
	dir, out string
	log      string
	env      []string
	// cliConfig is the Terraform CLI configuration (provider mirrors).
	cliConfig string
	report    *report
}

// startOnPrem starts the private engine and builds the stand-ins. It
// returns nil and says why in one line when this machine cannot run one.
func startOnPrem(r *report, work, cliConfig string) (*onPremDemo, error) {
	if err := harness.CanStartDockerEngine(); err != nil {
		hint := "run ./scripts/setup as root first"
		if os.Geteuid() != 0 {
			hint = "a private Docker engine needs root: sudo ./scripts/setup && sudo go run ./cmd/fullstack demo"
		}
		return nil, skipped{fmt.Sprintf("no private Docker engine here (%v): the onprem stack is synthesized only; %s", err, hint)}
	}
	cache, err := harness.CacheDir()
	if err != nil {
		return nil, err
	}
	engine, err := harness.StartDockerEngine(cache)
	if err != nil {
		return nil, err
	}
	o := &onPremDemo{engine: engine, dir: filepath.Join(work, "onprem"), log: filepath.Join(work, "onprem.log"), cliConfig: cliConfig, report: r}
	o.out = filepath.Join(o.dir, "cdktf.out")
	log, err := os.OpenFile(o.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		o.stop()
		return nil, err
	}
	defer log.Close()
	timings, err := standins.Build(engine, cache, log)
	if err != nil {
		o.stop()
		return nil, failed(err, o.log)
	}
	built := 0
	for _, t := range timings {
		if t.Built {
			built++
		}
	}
	r.note("onprem: private Docker engine %s; %d stand-in images, %d built this run", engine.Host, len(timings), built)
	// The demo's public key, outside the project copy (the release is
	// signed with the key pair cmd/fullstack/release -generate-key makes).
	o.settings = harness.OnPremSettings{Name: "demo", DockerHost: engine.Host, StateDir: filepath.Join(work, "onprem-state"),
		PublicKey: filepath.Join(work, "keys", "cosign.pub")}
	if err := harness.FreeOnPremPorts(&o.settings); err != nil {
		o.stop()
		return nil, err
	}
	if err := harness.WriteOnPremProject(".", o.dir, o.settings); err != nil {
		o.stop()
		return nil, err
	}
	o.env = append(os.Environ(),
		"FULLSTACK_PROJECT="+filepath.Join(o.dir, "fullstack.yaml"),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_VAR_onprem_postgres_password="+secret(),
		"TF_VAR_onprem_db_password_notes_api="+secret(),
	)
	return o, nil
}

// deploy runs cdktf synth, terraform init and cdktf deploy onprem.
func (o *onPremDemo) deploy() error {
	if err := o.cdktf("synth", "--output", o.out); err != nil {
		return err
	}
	tf := &harness.Terraform{Dir: filepath.Join(o.out, "stacks", "onprem"), CLIConfig: o.cliConfig, Env: o.env}
	if err := tf.Init(); err != nil {
		return err
	}
	return o.cdktf("deploy", "onprem", "--skip-synth", "--auto-approve", "--output", o.out)
}

// check asks the API's health check and, through the site's nginx, the
// API's notes (both must answer 200), then writes a note through the site
// and looks at the site in a browser.
func (o *onPremDemo) check() error {
	api := "http://127.0.0.1:" + strconv.Itoa(o.settings.APIPort)
	site := "http://127.0.0.1:" + strconv.Itoa(o.settings.SitePort)
	for _, c := range []struct{ what, url string }{
		{"notes-api's health", api + "/healthz"},
		{"notes-web's page", site + "/"},
		{"notes-web's /api/ (proxied to notes-api)", site + "/api/notes"},
	} {
		resp, err := http.Get(c.url)
		if err != nil {
			return fmt.Errorf("%s: %w", c.what, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s answered %d at %s", c.what, resp.StatusCode, c.url)
		}
	}
	// A browser sees what a user would: the page runs its script under the
	// site's CSP and shows a note written through /api/, on a deep link too.
	note := `{"title":"written by the demo","body":"through the site's /api/","tags":["demo"]}`
	resp, err := http.Post(site+"/api/notes", "application/json", strings.NewReader(note))
	if err != nil {
		return fmt.Errorf("writing a note through notes-web's /api/: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("writing a note through notes-web's /api/ answered %d", resp.StatusCode)
	}
	if err := browsercheck.Check(context.Background(), time.Minute,
		browsercheck.Page{URL: site + "/", Visible: "#notes li", Text: "written by the demo"},
		browsercheck.Page{URL: site + "/notes/1", Visible: "#notes li", Text: "written by the demo"},
	); err != nil {
		return fmt.Errorf("notes-web in a browser: %w", err)
	}
	o.report.deployed("staging (onprem, on the private engine %s):", o.engine.Host)
	o.report.deployed("  notes-api: %s", api)
	o.report.deployed("  notes-web: %s", site)
	return nil
}

// project is the staging project's file.
func (o *onPremDemo) project() string { return filepath.Join(o.dir, "fullstack.yaml") }

// onPremTeardown names the teardown step.
const onPremTeardown = "teardown onprem (data included)"

// teardownAfter is the teardown step, reported.
func (o *onPremDemo) teardownAfter(r *report) {
	if err := r.step(onPremTeardown, o.teardown); err != nil {
		fmt.Fprintln(r.errOut, "demo: onprem teardown:", err)
	}
}

// teardown removes the demo deployment, data included, and stops the
// engine; the stand-in images stay cached.
func (o *onPremDemo) teardown() error {
	defer o.stop()
	cmd, err := fullstack("teardown", "-output", o.out, "-delete-data=demo")
	if err != nil {
		return err
	}
	return o.run(cmd)
}

func (o *onPremDemo) stop() {
	_ = o.engine.RemoveLabelled(o.settings.Name)
	o.engine.Stop()
}

func (o *onPremDemo) cdktf(args ...string) error {
	return o.run(exec.Command(filepath.Join("node_modules", ".bin", "cdktf"), args...))
}

// run runs cmd with the demo's environment, its output appended to the log.
func (o *onPremDemo) run(cmd *exec.Cmd) error {
	log, err := os.OpenFile(o.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd.Env, cmd.Stdout, cmd.Stderr = o.env, log, log
	if err := cmd.Run(); err != nil {
		return failed(fmt.Errorf("%s %s: %w", filepath.Base(cmd.Path), cmd.Args[1], err), o.log)
	}
	return nil
}

func secret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
