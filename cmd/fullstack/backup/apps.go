package backup

import (
	"fmt"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/dockercli"
)

// restartApps starts every running container of each app with a database
// again and waits until Docker calls it healthy. The restore ended the
// apps' connections and replaced the tables under them: a pool or a
// statement cache from before must not answer the first requests after.
func (s server) restartApps() error {
	for _, a := range s.p.Apps {
		if !a.Database.Enabled {
			continue
		}
		out, err := s.dockerOutput(append([]string{"ps", "--format", "{{.Names}}"}, dockercli.AppFilters(s.p.Name, s.p.OnPrem.Environment, a.Name)...)...)
		if err != nil {
			return fmt.Errorf("app %s: %w", a.Name, err)
		}
		timeout := healthspec.For(a.HealthCheckPath).RolloutTimeout()
		for _, name := range strings.Fields(out) {
			if _, err := s.dockerOutput("restart", name); err != nil {
				return fmt.Errorf("app %s: %w", a.Name, err)
			}
			if err := s.waitHealthy(name, timeout); err != nil {
				return fmt.Errorf("app %s after the restore: %w", a.Name, err)
			}
			fmt.Fprintf(s.stdout, "backup: %s started again and is healthy\n", name)
		}
	}
	return nil
}

// waitHealthy polls the container's Docker health until it is healthy,
// and fails when it turns unhealthy or stops, or after timeout. A
// container without a health check counts as healthy once running.
func (s server) waitHealthy(name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		out, err := s.dockerOutput("inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", name)
		if err != nil {
			return err
		}
		state, health, _ := strings.Cut(strings.TrimSpace(out), " ")
		switch {
		case state != "running":
			return fmt.Errorf("%s is %s, not running: see `docker logs %s`", name, state, name)
		case health == "healthy" || health == "none":
			return nil
		case health == "unhealthy":
			return fmt.Errorf("%s turned unhealthy: see `docker logs %s`", name, name)
		case time.Now().After(deadline):
			return fmt.Errorf("%s is not healthy after %s (health %s): see `docker logs %s`", name, timeout, health, name)
		}
		time.Sleep(time.Second)
	}
}
