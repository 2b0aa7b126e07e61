// Package clirun runs the project's cdktf CLI and Terraform for the
// commands (teardown, preview), with their output streamed to the user.
package clirun

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Cdktf runs the project's cdktf CLI (node_modules/.bin/cdktf, relative to
// the working directory) with env.
func Cdktf(env []string, args ...string) error {
	bin := filepath.Join("node_modules", ".bin", "cdktf")
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("the cdktf CLI is not installed: run `npm ci` first")
	}
	return run(exec.Command(bin, args...), env)
}

// Terraform runs terraform in dir (a synthesized stack) with env.
func Terraform(dir string, env []string, args ...string) error {
	cmd := exec.Command("terraform", args...)
	cmd.Dir = dir
	return run(cmd, env)
}

// TerraformOutput runs terraform in dir and returns what it printed on
// stdout (stderr still reaches the user).
func TerraformOutput(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("terraform", args...)
	cmd.Dir, cmd.Env, cmd.Stderr = dir, env, os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func run(cmd *exec.Cmd, env []string) error {
	cmd.Env, cmd.Stdout, cmd.Stderr = env, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", filepath.Base(cmd.Path), strings.Join(cmd.Args[1:], " "), err)
	}
	return nil
}
