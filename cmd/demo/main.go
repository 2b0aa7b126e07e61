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
	step("starting the local AWS emulator")
	emu, err := harness.StartEmulator(work)
	if err != nil {
		return err
	}
	defer emu.Stop()
	fmt.Println("   emulator:", emu.Endpoint)

	env := append(os.Environ(),
		"FULLSTACK_AWS_ENDPOINT="+emu.Endpoint,
		"FULLSTACK_STATE_DIR="+work,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		// CI passes the git SHA; the emulator runs no task, any tag will do.
		"TF_VAR_image_tag=demo",
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
	)
	step("cdktf synth (all stacks)")
	if err := cdktf(env, "synth"); err != nil {
		return err
	}
	// cdktf locks providers against the public registry when a stack has no
	// lock file yet; initialising first with the CLI config records the
	// providers this machine has (its mirror, or the registry).
	for _, stack := range awsStacks {
		step("terraform init (" + stack + ")")
		tf := &harness.Terraform{Dir: filepath.Join("cdktf.out", "stacks", stack), CLIConfig: cliConfig, Env: env}
		if err := tf.Init(); err != nil {
			return err
		}
	}
	outputs := filepath.Join(work, "outputs.json")
	step("cdktf deploy " + strings.Join(awsStacks, " ") + " (against the emulator)")
	deploy := append([]string{"deploy"}, awsStacks...)
	if err := cdktf(env, append(deploy, "--skip-synth", "--auto-approve", "--outputs-file", outputs, "--outputs-file-include-sensitive-outputs=false")...); err != nil {
		return err
	}
	step("stack outputs")
	if err := printOutputs(outputs); err != nil {
		return err
	}
	fmt.Println("   onprem stack synthesized:", filepath.Join("cdktf.out", "stacks", "onprem", "cdk.tf.json"))

	step("cdktf deploy onprem (to a private Docker engine)")
	onprem, err := startOnPrem(work, cliConfig)
	if err != nil {
		return err
	}
	if onprem != nil {
		defer func() {
			step("teardown onprem (data included)")
			if err := onprem.teardown(); err != nil {
				fmt.Fprintln(os.Stderr, "demo: onprem teardown:", err)
			}
		}()
		if err := onprem.deploy(); err != nil {
			return err
		}
	}

	if keep {
		step("running; press Ctrl-C to destroy and stop")
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
	}
	step("cdktf destroy " + strings.Join(awsStacks, " "))
	destroy := append([]string{"destroy"}, awsStacks...)
	return cdktf(env, append(destroy, "--skip-synth", "--auto-approve")...)
}

// awsStacks are the stacks the demo deploys to the emulator.
var awsStacks = []string{stacks.BootstrapName, stacks.CloudName}

func step(msg string) { fmt.Println("==>", msg) }

// cdktf runs the project's pinned cdktf CLI, streaming its output.
func cdktf(env []string, args ...string) error {
	bin := filepath.Join("node_modules", ".bin", "cdktf")
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the cdktf CLI is not installed: run `npm ci` first")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("cdktf %v: %w", args, err)
	}
	return nil
}

// printOutputs prints the outputs file cdktf wrote ({stack: {name: value}}).
func printOutputs(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var byStack map[string]map[string]any
	if err := json.Unmarshal(raw, &byStack); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for stack, outs := range byStack {
		names := make([]string, 0, len(outs))
		for n := range outs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Printf("   %s.%s = %v\n", stack, n, outs[n])
		}
	}
	return nil
}
