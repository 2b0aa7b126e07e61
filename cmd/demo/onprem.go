package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/standins"
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
}

// startOnPrem starts the private engine and builds the stand-ins. It
// returns nil and says why in one line when this machine cannot run one.
func startOnPrem(work, cliConfig string) (*onPremDemo, error) {
	if err := harness.CanStartDockerEngine(); err != nil {
		fmt.Printf("   onprem: not deployed here (%v); the stack is synthesized only\n", err)
		return nil, nil
	}
	cache, err := harness.CacheDir()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	engine, err := harness.StartDockerEngine(cache)
	if err != nil {
		return nil, err
	}
	fmt.Printf("   private Docker engine %s (%s)\n", engine.Host, time.Since(start).Round(time.Millisecond))
	o := &onPremDemo{engine: engine, dir: filepath.Join(work, "onprem"), log: filepath.Join(work, "onprem.log"), cliConfig: cliConfig}
	o.out = filepath.Join(o.dir, "cdktf.out")
	start = time.Now()
	if _, err := standins.Build(engine, cache, os.Stdout); err != nil {
		o.stop()
		return nil, err
	}
	fmt.Printf("   stand-in images ready (%s)\n", time.Since(start).Round(time.Second))
	o.settings = harness.OnPremSettings{Name: "demo", DockerHost: engine.Host, StateDir: filepath.Join(work, "onprem-state")}
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
		"TF_VAR_onprem_postgres_password="+secret(),
		"TF_VAR_onprem_db_password_notes_api="+secret(),
	)
	return o, nil
}

// deploy runs cdktf synth, terraform init and cdktf deploy onprem, then
// checks the API and the site answer.
func (o *onPremDemo) deploy() error {
	fmt.Println("   output of cdktf and Terraform:", o.log)
	start := time.Now()
	if err := o.cdktf("synth", "--output", o.out); err != nil {
		return err
	}
	tf := &harness.Terraform{Dir: filepath.Join(o.out, "stacks", "onprem"), CLIConfig: o.cliConfig, Env: o.env}
	if err := tf.Init(); err != nil {
		return err
	}
	if err := o.cdktf("deploy", "onprem", "--skip-synth", "--auto-approve", "--output", o.out); err != nil {
		return err
	}
	fmt.Printf("   deployed in %s\n", time.Since(start).Round(time.Second))
	for name, url := range map[string]string{
		"notes-api": "http://127.0.0.1:" + strconv.Itoa(o.settings.APIPort) + "/healthz",
		"notes-web": "http://127.0.0.1:" + strconv.Itoa(o.settings.SitePort) + "/api/notes",
	} {
		resp, err := http.Get(url)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		resp.Body.Close()
		fmt.Printf("   %s answers %d at %s\n", name, resp.StatusCode, url)
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s answered %d at %s", name, resp.StatusCode, url)
		}
	}
	return nil
}

// teardown removes the demo deployment, data included, and stops the
// engine; the stand-in images stay cached.
func (o *onPremDemo) teardown() error {
	defer o.stop()
	cmd := exec.Command("go", "run", "./cmd/teardown", "-output", o.out, "-delete-data=demo")
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
		return fmt.Errorf("%s: %w (see %s)", filepath.Base(cmd.Path), err, o.log)
	}
	return nil
}

func secret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
