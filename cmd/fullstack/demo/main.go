// Package demo (`fullstack demo`) is the README's main job on the embedded default: the
// product's release path, end to end, with no AWS account and no home
// server. Where it can start a private Docker engine (root and dockerd):
//
//  1. staging: `cdktf deploy onprem` of the repository's project to that
//     engine (stand-in images), and its API and site answer;
//  2. a signed release: cmd/fullstack/release checks staging, signs each image and
//     the manifest with a cosign key pair made for the demo;
//  3. cloud-bootstrap on a local AWS emulator, then promote: the release
//     is verified and its digests and signatures copied to a registry
//     standing in for ECR (the emulator serves ECR's API, not its
//     registry), the manifest kept in the state bucket;
//  4. production: `cdktf deploy cloud` with the release (task definitions
//     by digest) on the emulator, then cmd/fullstack/verify checks every signature
//     in the ECR stand-in and the release is recorded as production's.
//
// Without a Docker engine it deploys cloud-bootstrap and cloud to the
// emulator by image tag and says which steps it skipped. Then it removes
// what it deployed, both halves at once. One line per step with its time
// (steps that run at once are grouped), a summary at the end.
//
//	go run ./cmd/fullstack demo                # deploy, show, destroy
//	go run ./cmd/fullstack demo -keep          # leave it running until Ctrl-C
//	go run ./cmd/fullstack demo -clean-cache   # remove ~/.cache/fullstack (engine images, tools)
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/stacks"
)

const usage = `usage: fullstack demo [-keep] [-clean-cache]

The release path end to end on the embedded default, with no AWS account
and no home server: staging on a private Docker engine, a signed release,
promote and production on a local AWS emulator; then it removes it all.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("demo", usage)
	keep := fs.Bool("keep", false, "keep the emulator and the deployed stacks up until Ctrl-C")
	clean := fs.Bool("clean-cache", false, "remove what the demo and tests cache between runs (FULLSTACK_CACHE_DIR, default ~/.cache/fullstack), then stop")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *clean {
		return cleanCache(stdout)
	}
	return run(ctx, newReport(stdout, stderr), *keep)
}

// cleanCache removes the cache and says how much it freed.
func cleanCache(stdout io.Writer) error {
	dir, err := harness.CacheDir()
	if err != nil {
		return err
	}
	freed, err := harness.RemoveCache(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %s (%.1f GB); the next run rebuilds what it needs\n", dir, float64(freed)/1e9)
	return nil
}

func run(ctx context.Context, r *report, keep bool) error {
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
	defer r.summary()
	log := filepath.Join(work, "cloud.log")
	fmt.Fprintln(r.out, "Full output of cdktf and Terraform:", log, "and", filepath.Join(work, "onprem.log"))
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
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20",
	)
	cloud := &cloudDemo{report: r, env: env, log: log, cliConfig: cliConfig, outputs: work, endpoint: emu.Endpoint}

	var onprem *onPremDemo
	if err := r.step("start a private Docker engine and the stand-in images", func() (err error) {
		onprem, err = startOnPrem(r, work, cliConfig)
		return err
	}); err != nil {
		return err
	}
	if onprem == nil {
		// Without staging there is no release: the cloud stacks by tag.
		cloud.env = append(cloud.env, "TF_VAR_image_tag=demo")
		if err := cloud.deploy(r, nil); err != nil {
			return err
		}
		return finish(ctx, r, keep, cloud, nil)
	}
	if err := r.step("staging: cdktf deploy onprem (to the private engine)", onprem.deploy); err != nil {
		onprem.teardownAfter(r)
		return err
	}
	if err := r.step("staging: the API and the site answer, and a browser renders a note written through the site", onprem.check); err != nil {
		onprem.teardownAfter(r)
		return err
	}
	rel := &releaseDemo{onprem: onprem, work: work, emulator: emu.Endpoint, manifest: filepath.Join(work, "release.json")}
	defer rel.stop()
	if err := r.step("release: check staging, sign the images and the manifest (cosign key pair)", rel.record); err != nil {
		onprem.teardownAfter(r)
		return err
	}
	// From here on every AWS stack is the staging project's: the release's
	// project, migrations and site files are its own.
	cloud.env = append(cloud.env, "FULLSTACK_PROJECT="+onprem.project(), "FULLSTACK_RELEASE="+rel.manifest)
	if err := cloud.deploy(r, rel); err != nil {
		onprem.teardownAfter(r)
		return err
	}
	return finish(ctx, r, keep, cloud, onprem)
}

// finish waits for Ctrl-C with -keep, then removes what the demo deployed.
func finish(ctx context.Context, r *report, keep bool, cloud *cloudDemo, onprem *onPremDemo) error {
	r.printDeployed()
	if keep {
		fmt.Fprintln(r.out, "Running; press Ctrl-C to destroy and stop.")
		<-ctx.Done()
	}
	if onprem == nil {
		return cloud.destroy(r)
	}
	// The two halves share nothing: removed side by side.
	return r.together(cloud.destroyTask(), task{onPremTeardown, onprem.teardown})
}

// cloudDemo deploys the AWS stacks to the emulator with the real cdktf CLI.
type cloudDemo struct {
	report                  *report
	env                     []string
	log, cliConfig, outputs string
	endpoint                string
}

// init runs terraform init in a synthesized stack. cdktf locks providers
// against the public registry when a stack has no lock file yet;
// initialising first with the CLI config records the providers this
// machine has (its mirror, or the registry).
func (c *cloudDemo) init(stack string) error {
	tf := &harness.Terraform{Dir: filepath.Join("cdktf.out", "stacks", stack), CLIConfig: c.cliConfig, Env: c.env}
	return tf.Init()
}

// deployStack runs cdktf deploy for one synthesized stack.
func (c *cloudDemo) deployStack(stack string) error {
	return cdktf(c.env, c.log, "deploy", stack, "--skip-synth", "--auto-approve", "--outputs-file", outputsFile(c.outputs, stack), "--outputs-file-include-sensitive-outputs=false")
}

// deploy synthesizes once, initialises and deploys cloud-bootstrap then
// cloud; with a release, promote runs between them and the verification
// after.
func (c *cloudDemo) deploy(r *report, rel *releaseDemo) error {
	if err := r.step("cdktf synth (all stacks)", func() error { return cdktf(c.env, c.log, "synth") }); err != nil {
		return err
	}
	for _, stack := range awsStacks {
		if err := r.step("terraform init ("+stack+")", func() error { return c.init(stack) }); err != nil {
			return err
		}
	}
	if err := r.step("cdktf deploy "+stacks.BootstrapName+" (state bucket, CI roles; emulator)", func() error { return c.deployStack(stacks.BootstrapName) }); err != nil {
		return err
	}
	what := "cdktf deploy " + stacks.CloudName + " (to the emulator, images by tag)"
	if rel != nil {
		if err := r.step("promote: verify, copy digests and signatures to the ECR stand-in, keep the manifest off-site", rel.promote); err != nil {
			return err
		}
		what = "production: cdktf deploy " + stacks.CloudName + " with the release (by digest; emulator)"
	}
	if err := r.step(what, func() error { return c.deployStack(stacks.CloudName) }); err != nil {
		return err
	}
	if rel != nil {
		if err := r.step("production: verify every signature in ECR, record the release that runs", rel.verify); err != nil {
			return err
		}
		if err := r.step("status: the same release on staging and in production", rel.status); err != nil {
			return err
		}
	}
	return summarizeOutputs(r, c.endpoint, c.outputs)
}

func (c *cloudDemo) destroy(r *report) error {
	t := c.destroyTask()
	return r.step(t.what, t.fn)
}

// destroyTask destroys the AWS stacks on the emulator.
func (c *cloudDemo) destroyTask() task {
	destroy := append(append([]string{"destroy"}, awsStacks...), "--skip-synth", "--auto-approve")
	return task{"cdktf destroy " + strings.Join(awsStacks, " "), func() error { return cdktf(c.env, c.log, destroy...) }}
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
	stacks.BootstrapName: {"state_bucket", "lock_table", "deploy_role_arn", "promote_role_arn"},
	stacks.CloudName:     {"service_urls", "site_urls", "repository_urls", "database_endpoints"},
}

// outputsFile is where one deploy writes its stack's outputs (each
// deploy replaces the file it names).
func outputsFile(dir, stack string) string { return filepath.Join(dir, "outputs-"+stack+".json") }

// summarizeOutputs adds the main outputs cdktf wrote ({stack: {name:
// value}}, a file per stack) to the summary.
func summarizeOutputs(r *report, endpoint, dir string) error {
	r.deployed("AWS stacks %s on the emulator %s (all outputs: %s):", strings.Join(awsStacks, ", "), endpoint, outputsFile(dir, "*"))
	for _, stack := range awsStacks {
		path := outputsFile(dir, stack)
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var byStack map[string]map[string]any
		if err := json.Unmarshal(raw, &byStack); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		names := summaryOutputs[stack]
		sort.Strings(names)
		for _, n := range names {
			if v, ok := byStack[stack][n]; ok {
				r.deployed("  %s.%s:%s", stack, n, formatOutput(v))
			}
		}
	}
	return nil
}

// formatOutput renders an output for people, to follow "  name:": a map
// as one "key: value" line each, two deeper than the name, anything else
// on the same line (a list comma-separated).
func formatOutput(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return " " + plain(v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n    %s: %s", k, plain(m[k]))
	}
	return b.String()
}

func plain(v any) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = plain(x)
		}
		return strings.Join(parts, ", ")
	}
	return strings.TrimSpace(fmt.Sprint(v))
}
