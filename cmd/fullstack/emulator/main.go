// Package emulator (`fullstack emulator`) runs the local AWS emulator (moto, with the handlers
// the harness adds) for deploying the cloud stacks by hand with the cdktf
// CLI, offline. It writes the Terraform CLI configuration for this
// machine's provider mirror and an env.sh to source in another shell, and
// prints both; Ctrl-C stops the emulator (what was deployed to it is lost).
//
//	go run ./cmd/fullstack emulator              # http://127.0.0.1:4566, files in .emulator/
//	go run ./cmd/fullstack emulator -port 0      # any free port
//
// docs/project-file.md "Deploy to the emulator with the cdktf CLI" walks through a deploy.
package emulator

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/internal/harness"
)

const usage = `usage: fullstack emulator [-port N] [-dir DIR]

Runs the local AWS emulator for deploying the cloud stacks by hand with the
cdktf CLI, offline, and writes the env.sh to source in another shell.
Ctrl-C stops it; what was deployed to it is lost.`

// Run runs the subcommand until ctx ends (Ctrl-C).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("emulator", usage)
	port := fs.Int("port", 4566, "loopback port to listen on (0: any free port)")
	dir := fs.String("dir", ".emulator", "folder for the emulator's log, the Terraform CLI configuration, env.sh and the stacks' state")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	return run(ctx, stdout, *dir, *port)
}

func run(ctx context.Context, stdout io.Writer, dir string, port int) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	// State left by an earlier run describes resources the new emulator
	// does not have: start clean.
	if err := os.RemoveAll(filepath.Join(dir, "state")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o755); err != nil {
		return err
	}
	cliConfig, err := harness.WriteCLIConfig(dir)
	if err != nil {
		return err
	}
	emu, err := harness.StartEmulatorOn(dir, port)
	if err != nil {
		return err
	}
	defer emu.Stop()
	envFile, script := filepath.Join(dir, "env.sh"), envScript(emu.Endpoint, cliConfig, filepath.Join(dir, "state"))
	if err := os.WriteFile(envFile, []byte(script), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "emulator: AWS APIs on %s (log: %s)\n", emu.Endpoint, emu.LogPath)
	fmt.Fprintf(stdout, "In another shell, in the repository: . %s\n\n%s\nCtrl-C stops the emulator; what was deployed to it is lost.\n", envFile, script)
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nemulator: stopping")
	return nil
}

// envScript is what a shell needs to deploy to the emulator: the endpoint
// (which turns on emulator mode), the provider mirror's CLI configuration,
// a state folder of its own (never mixed with real state), an image tag,
// and no calls home.
func envScript(endpoint, cliConfig, stateDir string) string {
	lines := []string{
		"export FULLSTACK_AWS_ENDPOINT=" + endpoint,
		"export TF_CLI_CONFIG_FILE=" + cliConfig,
		"export FULLSTACK_STATE_DIR=" + stateDir,
		"export TF_VAR_image_tag=emulator",
		"export CHECKPOINT_DISABLE=1",
		"export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
	}
	return strings.Join(lines, "\n") + "\n"
}
