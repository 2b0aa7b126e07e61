// Command teardown removes the onprem stack from the home server, on
// purpose. The data volumes (registry storage and snapshots, PostgreSQL
// data) carry prevent_destroy, so `cdktf destroy onprem` alone refuses.
//
//	go run ./cmd/teardown                     # remove apps, sites and registry; keep every byte of data
//	go run ./cmd/teardown -delete-data=notes  # remove everything, the data too (repeat the project name)
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
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/stacks"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "teardown:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("teardown", flag.ContinueOnError)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	deleteData := fs.String("delete-data", "", "also delete the data volumes: give the project name to confirm")
	output := fs.String("output", "cdktf.out", "cdktf output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := config.Load(*project)
	if err != nil {
		return fmt.Errorf("the project file has problems:\n%w", err)
	}
	env := append(os.Environ(), "FULLSTACK_PROJECT="+*project)
	if *deleteData != "" {
		if *deleteData != p.Name {
			return fmt.Errorf("-delete-data %q does not match the project name %q: nothing was changed", *deleteData, p.Name)
		}
		env = append(env, "FULLSTACK_ONPREM_DELETE_DATA=yes")
		if err := dropDatabasesFirst(env, *output); err != nil {
			return err
		}
		fmt.Println("==> cdktf destroy onprem, data volumes included")
		return cdktf(env, "destroy", stacks.OnPremName, "--auto-approve", "--output", *output)
	}
	fmt.Println("==> cdktf synth")
	if err := cdktf(env, "synth", "--output", *output); err != nil {
		return err
	}
	dir := filepath.Join(*output, "stacks", stacks.OnPremName)
	if err := terraform(dir, env, "init", "-input=false"); err != nil {
		return err
	}
	shown, err := terraformOutput(dir, env, "show", "-json")
	if err != nil {
		return err
	}
	plan, err := planKeepData(p.Name, []byte(shown))
	if err != nil {
		return err
	}
	if len(plan.Release) > 0 {
		fmt.Println("==> keeping the registry volumes (dropped from the state, left on the server)")
		if err := terraform(dir, env, append([]string{"state", "rm"}, plan.Release...)...); err != nil {
			return err
		}
	}
	if len(plan.Destroy) > 0 {
		fmt.Printf("==> terraform destroy: %d resources (apps, sites, registry, migrations runs)\n", len(plan.Destroy))
		args := []string{"destroy", "-auto-approve", "-input=false"}
		for _, a := range plan.Destroy {
			args = append(args, "-target="+a)
		}
		if err := terraform(dir, env, args...); err != nil {
			return err
		}
	}
	fmt.Printf("Kept the data of %s: volumes %s-registry-data and %s-registry-backup on the server, and PostgreSQL %s-postgres running with its volume. `cdktf deploy onprem` brings the rest back; `-delete-data=%s` removes everything.\n",
		p.Name, p.Name, p.Name, p.Name, p.Name)
	return nil
}

func cdktf(env []string, args ...string) error {
	bin := filepath.Join("node_modules", ".bin", "cdktf")
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the cdktf CLI is not installed: run `npm ci` first")
	}
	return runCmd(exec.Command(bin, args...), env)
}

func terraform(dir string, env []string, args ...string) error {
	cmd := exec.Command("terraform", args...)
	cmd.Dir = dir
	return runCmd(cmd, env)
}

func terraformOutput(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("terraform", args...)
	cmd.Dir, cmd.Env, cmd.Stderr = dir, env, os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func runCmd(cmd *exec.Cmd, env []string) error {
	cmd.Env, cmd.Stdout, cmd.Stderr = env, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", filepath.Base(cmd.Path), strings.Join(cmd.Args[1:], " "), err)
	}
	return nil
}

// dropDatabasesFirst destroys the roles and databases (and whatever uses
// them) while PostgreSQL still runs: nothing in the graph orders them
// before its container (an edge would make Terraform replace PostgreSQL
// create-before-destroy, see dockercontainer.NewReady).
func dropDatabasesFirst(env []string, output string) error {
	fmt.Println("==> cdktf synth")
	if err := cdktf(env, "synth", "--output", output); err != nil {
		return err
	}
	dir := filepath.Join(output, "stacks", stacks.OnPremName)
	if err := terraform(dir, env, "init", "-input=false"); err != nil {
		return err
	}
	shown, err := terraformOutput(dir, env, "show", "-json")
	if err != nil {
		return err
	}
	targets, err := databaseResources([]byte(shown))
	if err != nil || len(targets) == 0 {
		return err
	}
	fmt.Printf("==> terraform destroy: the %d roles, databases and grants first, while PostgreSQL runs\n", len(targets))
	args := []string{"destroy", "-auto-approve", "-input=false"}
	for _, a := range targets {
		args = append(args, "-target="+a)
	}
	return terraform(dir, env, args...)
}
