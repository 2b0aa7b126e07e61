package demo

import (
	"bytes"
	"context"
	"encoding/json"
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
// cmd/fullstack/release signs what staging runs, cmd/fullstack/promote copies it to a registry
// standing in for ECR, cmd/fullstack/verify checks it there, cmd/fullstack/releases records it.
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
	if _, err := d.tool("release", "-generate-key"); err != nil {
		return err
	}
	commit := "0000000000demo"
	if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
	}
	out, err := d.tool("release", "-commit", commit, "-ref", "refs/heads/main", "-out", d.manifest)
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
	out, err := d.tool("promote", "-release", d.manifest, "-ecr-registry", "http://"+d.ecr.Addr)
	if err != nil {
		return err
	}
	d.onprem.report.note("promote: %s", lastLine(out))
	return nil
}

// verify is what the production job does after the deploy: every image's
// signature in ECR, then the record of what production runs.
func (d *releaseDemo) verify() error {
	out, err := d.tool("verify", "-release", d.manifest, "-ecr-registry", "http://"+d.ecr.Addr)
	if err != nil {
		return err
	}
	d.onprem.report.note("production: %s", lastLine(out))
	out, err = d.tool("releases", "record-production", "-release", d.manifest)
	if err != nil {
		return err
	}
	d.onprem.report.note("production: %s", lastLine(out))
	return nil
}

// status runs cmd/fullstack/status as a user would after a release: it must name
// the same release on staging (the engine and the home manifests) and in
// production (the bucket's record). The emulator starts no task, so
// production's services are not healthy there and status exits 1; the
// release ids are what this step checks.
func (d *releaseDemo) status() error {
	m, err := release.Load(d.manifest)
	if err != nil {
		return err
	}
	raw, _ := d.run("status", "-json")
	var rep struct {
		Staging, Production *struct{ Release *struct{ ID string } }
	}
	// The output is the report, then go run's "exit status 1" (status
	// exits 1 here, see above): read the one JSON object.
	if err := json.NewDecoder(strings.NewReader(raw[max(strings.Index(raw, "{"), 0):])).Decode(&rep); err != nil {
		return fmt.Errorf("status -json: %w\n%s", err, raw)
	}
	for name, env := range map[string]*struct{ Release *struct{ ID string } }{"staging": rep.Staging, "production": rep.Production} {
		if env == nil || env.Release == nil || env.Release.ID != m.ID {
			return fmt.Errorf("status does not name release %s for %s:\n%s", m.ID, name, raw)
		}
	}
	text, _ := d.run("status")
	d.onprem.report.deployed("status (go run ./cmd/fullstack status; the emulator starts no task, so production shows 0 running):")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if !strings.HasPrefix(line, "exit status") { // go run's own line
			d.onprem.report.deployed("  %s", line)
		}
	}
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
func (d *releaseDemo) tool(args ...string) (string, error) {
	out, err := d.run(args...)
	if err != nil {
		return "", fmt.Errorf("fullstack %s: %w\n%s", args[0], err, harness.LastLines([]byte(out), 15))
	}
	return out, nil
}

// run is tool with the output whatever the exit code.
func (d *releaseDemo) run(args ...string) (string, error) {
	cmd, err := fullstack(args...)
	if err != nil {
		return "", err
	}
	cmd.Env = append(append([]string{}, d.onprem.env...), "FULLSTACK_AWS_ENDPOINT="+d.emulator, release.PasswordVariable+"="+d.password)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if log, lerr := os.OpenFile(d.onprem.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); lerr == nil {
		fmt.Fprintf(log, "$ fullstack %s\n%s\n", strings.Join(args, " "), out.String())
		log.Close()
	}
	return out.String(), err
}

func firstLine(s string) string { return strings.SplitN(strings.TrimSpace(s), "\n", 2)[0] }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
