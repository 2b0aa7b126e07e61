// Command teardown removes the onprem stack from the home server, on
// purpose. The data volumes (registry storage and snapshots, PostgreSQL
// data) carry prevent_destroy, so `cdktf destroy onprem` alone refuses.
//
//	go run ./cmd/teardown                     # remove the containers and network, keep the data volumes
//	go run ./cmd/teardown -delete-data=notes  # remove everything, the data too (repeat the project name)
//
// Kept volumes are dropped from the Terraform state, not deleted: the next
// `cdktf deploy onprem` reattaches them (Docker reuses a volume by name).
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
	project := fs.String("project", envOr("FULLSTACK_PROJECT", config.DefaultFile), "project file (env FULLSTACK_PROJECT)")
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
		fmt.Println("==> cdktf destroy onprem, data volumes included")
		return cdktf(append(env, "FULLSTACK_ONPREM_DELETE_DATA=yes"), "destroy", stacks.OnPremName, "--auto-approve", "--output", *output)
	}
	fmt.Println("==> cdktf synth")
	if err := cdktf(env, "synth", "--output", *output); err != nil {
		return err
	}
	dir := filepath.Join(*output, "stacks", stacks.OnPremName)
	if err := terraform(dir, env, "init", "-input=false"); err != nil {
		return err
	}
	list, err := terraformOutput(dir, env, "state", "list")
	if err != nil {
		return err
	}
	var kept []string
	for _, addr := range strings.Fields(list) {
		if strings.HasPrefix(addr, "docker_volume.") {
			kept = append(kept, addr)
		}
	}
	if len(kept) > 0 {
		fmt.Println("==> keeping the data volumes (dropped from the state, left on the server)")
		if err := terraform(dir, env, append([]string{"state", "rm"}, kept...)...); err != nil {
			return err
		}
	}
	fmt.Println("==> cdktf destroy onprem")
	if err := cdktf(env, "destroy", stacks.OnPremName, "--skip-synth", "--auto-approve", "--output", *output); err != nil {
		return err
	}
	fmt.Printf("Kept the data volumes of %s (docker volume ls --filter label=project=%s); the next deploy reattaches them.\n", p.Name, p.Name)
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

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
