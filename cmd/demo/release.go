package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/release"
)

// releaseDemo walks the release path with the product's own commands:
// cmd/release signs what staging runs, cmd/promote copies it to a registry
// standing in for ECR, cmd/verify checks it there, cmd/releases records it.
type releaseDemo struct {
	onprem             *onPremDemo
	work, emulator     string
	manifest, password string
	ecr                *harness.Registry
}

// record makes the demo's key pair (as an operator does once) and records
// the signed release of the staging deploy.
func (d *releaseDemo) record() error {
	d.password = secret()
	if _, err := d.tool("./cmd/release", "-generate-key"); err != nil {
		return err
	}
	commit := "0000000000demo"
	if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
	}
	out, err := d.tool("./cmd/release", "-commit", commit, "-ref", "refs/heads/main", "-out", d.manifest)
	if err != nil {
		return err
	}
	d.onprem.report.note("release: %s", firstLine(out))
	return nil
}

// promote starts the ECR stand-in with the login the emulator's ECR token
// names, then promotes the release to it.
func (d *releaseDemo) promote() error {
	p, err := config.LoadWithEnv(d.onprem.project(), func(k string) string {
		if k == "FULLSTACK_AWS_ENDPOINT" {
			return d.emulator
		}
		return os.Getenv(k)
	})
	if err != nil {
		return err
	}
	// The login the emulator's ECR token names (its endpoint serves no
	// registry: the stand-in takes that login).
	token, err := release.ECRRegistry(context.Background(), p, "")
	if err != nil {
		return err
	}
	if d.ecr, err = harness.NewRegistry(filepath.Join(d.work, "ecr"), token.Username, token.Password); err != nil {
		return err
	}
	if err := d.ecr.Start(); err != nil {
		return err
	}
	out, err := d.tool("./cmd/promote", "-release", d.manifest, "-ecr-registry", "http://"+d.ecr.Addr)
	if err != nil {
		return err
	}
	d.onprem.report.note("promote: %s", lastLine(out))
	return nil
}

// verify is what the production job does after the deploy: every image's
// signature in ECR, then the record of what production runs.
func (d *releaseDemo) verify() error {
	out, err := d.tool("./cmd/verify", "-release", d.manifest, "-ecr-registry", "http://"+d.ecr.Addr)
	if err != nil {
		return err
	}
	d.onprem.report.note("production: %s", lastLine(out))
	out, err = d.tool("./cmd/releases", "record-production", "-release", d.manifest)
	if err != nil {
		return err
	}
	d.onprem.report.note("production: %s", lastLine(out))
	return nil
}

func (d *releaseDemo) stop() {
	if d.ecr != nil {
		d.ecr.Stop()
	}
}

// tool runs one of the product's commands with the staging project, the
// emulator and the demo's signing password; its output also goes to the
// onprem log.
func (d *releaseDemo) tool(pkg string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"run", pkg}, args...)...)
	cmd.Env = append(append([]string{}, d.onprem.env...), "FULLSTACK_AWS_ENDPOINT="+d.emulator, release.PasswordVariable+"="+d.password)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if log, lerr := os.OpenFile(d.onprem.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); lerr == nil {
		fmt.Fprintf(log, "$ go run %s %s\n%s\n", pkg, strings.Join(args, " "), out.String())
		log.Close()
	}
	if err != nil {
		return "", fmt.Errorf("go run %s: %w\n%s", pkg, err, harness.LastLines(out.Bytes(), 15))
	}
	return out.String(), nil
}

func firstLine(s string) string { return strings.SplitN(strings.TrimSpace(s), "\n", 2)[0] }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
