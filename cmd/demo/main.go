// Command demo is the README's main job on the embedded default: it
// deploys the repository's project (fullstack.yaml) to a local AWS emulator
// with the real cdktf CLI and Terraform (the cloud-bootstrap and cloud
// stacks) and prints their outputs; where it can start a private Docker
// engine (root and dockerd), it deploys the onprem stack there too and
// checks the API and the site answer. Then it removes what it deployed and
// stops the emulator and the engine. No AWS account and no home server are
// needed.
//
//	go run ./cmd/demo          # deploy, show, destroy
//	go run ./cmd/demo -keep    # leave it running until Ctrl-C
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/stacks"
)

func main() {
	keep := flag.Bool("keep", false, "keep the emulator and the deployed stack until Ctrl-C")
	flag.Parse()
	if err := run(*keep); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(keep bool) error {
	work, err := filepath.Abs(".demo")
	if err != nil {
		return err
	}
	_ = os.RemoveAll(work) // state of an earlier run points at a dead emulator
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	cliConfig, err := harness.WriteCLIConfig(work)
	if err != nil {
		return err
	}
	r := newReport()
	log := filepath.Join(work, "cloud.log")
	fmt.Println("Full output of cdktf and Terraform:", log, "and", filepath.Join(work, "onprem.log"))
	var emu *harness.Emulator
	if err := r.step("start the local AWS emulator", func() (err error) {
		emu, err = harness.StartEmulator(work)
		return err
	}); err != nil {
		return err
	}
	defer emu.Stop()

	env := append(os.Environ(),
		"FULLSTACK_AWS_ENDPOINT="+emu.Endpoint,
		"FULLSTACK_STATE_DIR="+work,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		// CI passes the git SHA; the emulator runs no task, any tag will do.
		"TF_VAR_image_tag=demo",
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
	)
	if err := r.step("cdktf synth (all stacks)", func() error { return cdktf(env, log, "synth") }); err != nil {
		return err
	}
	// cdktf locks providers against the public registry when a stack has no
	// lock file yet; initialising first with the CLI config records the
	// providers this machine has (its mirror, or the registry).
	for _, stack := range awsStacks {
		tf := &harness.Terraform{Dir: filepath.Join("cdktf.out", "stacks", stack), CLIConfig: cliConfig, Env: env}
		if err := r.step("terraform init ("+stack+")", tf.Init); err != nil {
			return err
		}
	}
	outputs := filepath.Join(work, "outputs.json")
	deploy := append(append([]string{"deploy"}, awsStacks...), "--skip-synth", "--auto-approve", "--outputs-file", outputs, "--outputs-file-include-sensitive-outputs=false")
	if err := r.step("cdktf deploy "+strings.Join(awsStacks, " ")+" (to the emulator)", func() error { return cdktf(env, log, deploy...) }); err != nil {
		return err
	}
	if err := summarizeOutputs(r, emu.Endpoint, outputs); err != nil {
		return err
	}

	var onprem *onPremDemo
	if err := r.step("start a private Docker engine and the stand-in images", func() (err error) {
		onprem, err = startOnPrem(r, work, cliConfig)
		return err
	}); err != nil {
		return err
	}
	if onprem != nil {
		defer func() {
			if err := r.step("teardown onprem (data included)", onprem.teardown); err != nil {
				fmt.Fprintln(os.Stderr, "demo: onprem teardown:", err)
			}
			r.summary()
		}()
		if err := r.step("cdktf deploy onprem (to the private engine)", onprem.deploy); err != nil {
			return err
		}
		if err := r.step("check the API and the site answer", onprem.check); err != nil {
			return err
		}
	} else {
		defer r.summary()
	}

	if keep {
		fmt.Println("Running; press Ctrl-C to destroy and stop.")
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
	}
	destroy := append(append([]string{"destroy"}, awsStacks...), "--skip-synth", "--auto-approve")
	return r.step("cdktf destroy "+strings.Join(awsStacks, " "), func() error { return cdktf(env, log, destroy...) })
}

// awsStacks are the stacks the demo deploys to the emulator.
var awsStacks = []string{stacks.BootstrapName, stacks.CloudName}

// cdktf runs the project's pinned cdktf CLI, its output appended to log.
func cdktf(env []string, log string, args ...string) error {
	bin := filepath.Join("node_modules", ".bin", "cdktf")
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the cdktf CLI is not installed: run `npm ci` first")
	}
	f, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	if err := cmd.Run(); err != nil {
		return failed(fmt.Errorf("cdktf %s: %w", args[0], err), log)
	}
	return nil
}

// summaryOutputs are the outputs the summary shows, by stack; the rest
// are in the outputs file.
var summaryOutputs = map[string][]string{
	stacks.BootstrapName: {"state_bucket", "lock_table", "deploy_role_arn"},
	stacks.CloudName:     {"service_urls", "site_urls", "repository_urls", "database_endpoints"},
}

// summarizeOutputs adds the main outputs cdktf wrote ({stack: {name:
// value}}) to the summary.
func summarizeOutputs(r *report, endpoint, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var byStack map[string]map[string]any
	if err := json.Unmarshal(raw, &byStack); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r.note("AWS stacks %s on the emulator %s (all outputs: %s):", strings.Join(awsStacks, ", "), endpoint, path)
	for _, stack := range awsStacks {
		names := summaryOutputs[stack]
		sort.Strings(names)
		for _, n := range names {
			if v, ok := byStack[stack][n]; ok {
				r.note("  %s.%s = %v", stack, n, v)
			}
		}
	}
	r.note("onprem stack synthesized: %s", filepath.Join("cdktf.out", "stacks", "onprem", "cdk.tf.json"))
	return nil
}
