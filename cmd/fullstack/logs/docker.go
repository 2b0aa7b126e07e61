package logs

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/dockercli"
)

// dockerLogs streams the app's newest running container's logs from the
// home server's engine, with docker's own timestamps.
func dockerLogs(ctx context.Context, req request, stdout, stderr io.Writer) error {
	host := req.p.OnPrem.DockerHost
	ps := append([]string{"-H", host, "ps", "--format", "{{.CreatedAt}}\t{{.Names}}"},
		dockercli.AppFilters(req.p.Name, req.p.OnPrem.Environment, req.app.Name)...)
	out, err := exec.CommandContext(ctx, "docker", ps...).Output()
	if err != nil {
		return fmt.Errorf("the Docker engine at %s (onprem.docker_host): %w%s", host, err, stderrOf(err))
	}
	var running []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			running = append(running, line)
		}
	}
	if len(running) == 0 {
		return fmt.Errorf("no running container of %s in %s on %s: is it deployed (cdktf deploy onprem)?", req.app.Name, req.p.OnPrem.Environment, host)
	}
	// "2026-12-05 10:00:00 +0000 UTC\tname": the newest sorts last.
	sort.Strings(running)
	_, name, _ := strings.Cut(running[len(running)-1], "\t")
	if len(running) > 1 {
		fmt.Fprintf(stderr, "logs: %d containers of %s run (a rollout?); showing the newest, %s\n", len(running), req.app.Name, name)
	}
	args := []string{"-H", host, "logs", "--timestamps", "--since", req.since.UTC().Format(time.RFC3339)}
	if req.follow {
		args = append(args, "--follow")
	}
	cmd := exec.CommandContext(ctx, "docker", append(args, name)...)
	cmd.Stdout, cmd.Stderr = stdout, stdout
	if err := cmd.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("docker logs %s: %w", name, err)
	}
	return ctx.Err()
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}
