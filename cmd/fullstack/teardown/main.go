// Package teardown (`fullstack teardown`) removes the onprem stack from the home server, on
// purpose. The data volumes (registry storage and snapshots, PostgreSQL
// data) carry prevent_destroy, so `cdktf destroy onprem` alone refuses.
//
//	go run ./cmd/fullstack teardown                     # remove apps, sites and registry; keep every byte of data
//	go run ./cmd/fullstack teardown -delete-data=notes  # remove everything, the data too (repeat the project name)
//
// Keeping the data keeps PostgreSQL running: the app roles and databases
// live inside its volume and Terraform manages them through the server, so
// removing it would either drop them or leave a state the next deploy
// cannot read. The registry's volumes are dropped from the state and left
// on the server; the next `cdktf deploy onprem` reattaches them (Docker
// reuses a volume by name) and brings everything else back.
//
// It runs the project's cdktf CLI and Terraform with the caller's
// environment (TF_VAR_*, TF_CLI_CONFIG_FILE, FULLSTACK_PROJECT, ...).
package teardown

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/clirun"
	"github.com/homecloud-dev/fullstack/stacks"
)

const usage = `usage: fullstack teardown [-delete-data PROJECT] [flags]

Removes the onprem stack from the home server, on purpose; it keeps every
byte of data unless -delete-data repeats the project name.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("teardown", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	deleteData := fs.String("delete-data", "", "also delete the data volumes: give the project name to confirm")
	output := fs.String("output", "cdktf.out", "cdktf output directory")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	p, err := config.Load(*project)
	if err != nil {
		return fmt.Errorf("the project file has problems:\n%w", err)
	}
	if err := refuseWithPreviews(p); err != nil {
		return err
	}
	env := append(os.Environ(), "FULLSTACK_PROJECT="+*project)
	if *deleteData != "" {
		if *deleteData != p.Name {
			return fmt.Errorf("-delete-data %q does not match the project name %q: nothing was changed", *deleteData, p.Name)
		}
		env = append(env, "FULLSTACK_ONPREM_DELETE_DATA=yes")
		if err := dropDatabasesFirst(stdout, env, *output); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "==> cdktf destroy onprem, data volumes included")
		return clirun.Cdktf(env, "destroy", stacks.OnPremName, "--auto-approve", "--output", *output)
	}
	fmt.Fprintln(stdout, "==> cdktf synth")
	if err := clirun.Cdktf(env, "synth", "--output", *output); err != nil {
		return err
	}
	dir := filepath.Join(*output, "stacks", stacks.OnPremName)
	if err := clirun.Terraform(dir, env, "init", "-input=false"); err != nil {
		return err
	}
	shown, err := clirun.TerraformOutput(dir, env, "show", "-json")
	if err != nil {
		return err
	}
	plan, err := planKeepData(p.Name, []byte(shown))
	if err != nil {
		return err
	}
	if len(plan.Release) > 0 {
		fmt.Fprintln(stdout, "==> keeping the registry volumes (dropped from the state, left on the server)")
		if err := clirun.Terraform(dir, env, append([]string{"state", "rm"}, plan.Release...)...); err != nil {
			return err
		}
	}
	if len(plan.Destroy) > 0 {
		fmt.Fprintf(stdout, "==> terraform destroy: %d resources (apps, sites, registry, migrations runs)\n", len(plan.Destroy))
		args := []string{"destroy", "-auto-approve", "-input=false"}
		for _, a := range plan.Destroy {
			args = append(args, "-target="+a)
		}
		if err := clirun.Terraform(dir, env, args...); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Kept the data of %s: volumes %s-registry-data and %s-registry-backup on the server, and PostgreSQL %s-postgres running with its volume. `cdktf deploy onprem` brings the rest back; `-delete-data=%s` removes everything.\n",
		p.Name, p.Name, p.Name, p.Name, p.Name)
	return nil
}

// refuseWithPreviews stops a teardown while previews run: they use
// staging's registry, PostgreSQL server and front proxy.
func refuseWithPreviews(p *config.Project) error {
	dir, err := p.OnPrem.PreviewsDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	previews, _ := filepath.Glob(filepath.Join(dir, "pr-*"))
	if len(previews) == 0 {
		return nil
	}
	for i, d := range previews {
		previews[i] = filepath.Base(d)
	}
	return fmt.Errorf("previews %s run on staging's registry, PostgreSQL and front proxy: remove them first (`go run ./cmd/fullstack preview prune -max 0`); nothing was changed",
		strings.Join(previews, ", "))
}

// dropDatabasesFirst destroys the roles and databases (and whatever uses
// them) while PostgreSQL still runs: nothing in the graph orders them
// before its container (an edge would make Terraform replace PostgreSQL
// create-before-destroy, see dockercontainer.Props.ReadyTimeoutSeconds).
func dropDatabasesFirst(stdout io.Writer, env []string, output string) error {
	fmt.Fprintln(stdout, "==> cdktf synth")
	if err := clirun.Cdktf(env, "synth", "--output", output); err != nil {
		return err
	}
	dir := filepath.Join(output, "stacks", stacks.OnPremName)
	if err := clirun.Terraform(dir, env, "init", "-input=false"); err != nil {
		return err
	}
	shown, err := clirun.TerraformOutput(dir, env, "show", "-json")
	if err != nil {
		return err
	}
	targets, err := databaseResources([]byte(shown))
	if err != nil || len(targets) == 0 {
		return err
	}
	fmt.Fprintf(stdout, "==> terraform destroy: the %d roles, databases and grants first, while PostgreSQL runs\n", len(targets))
	args := []string{"destroy", "-auto-approve", "-input=false"}
	for _, a := range targets {
		args = append(args, "-target="+a)
	}
	return clirun.Terraform(dir, env, args...)
}
