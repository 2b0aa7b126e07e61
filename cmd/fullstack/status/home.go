package status

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
	"github.com/homecloud-dev/fullstack/stacks"
)

// container is what docker inspect says of one container.
type container struct {
	Name  string
	Image string
	State struct {
		Status    string
		StartedAt time.Time
		Health    *struct{ Status string }
	}
	Config struct{ Labels map[string]string }
	digest string
}

// health is the container's health in status's words.
func (c container) health() string {
	switch {
	case c.State.Status != "running":
		return "stopped"
	case c.State.Health == nil:
		return "healthy" // no health check: running is all Docker knows
	}
	return c.State.Health.Status
}

// readHome reads staging, the previews and the backups from the engine.
func readHome(ctx context.Context, p *config.Project, r *Report) {
	host := p.OnPrem.DockerHost
	docker := func(args ...string) ([]byte, error) {
		out, err := exec.CommandContext(ctx, "docker", append([]string{"-H", host}, args...)...).Output()
		if ee, ok := err.(*exec.ExitError); ok {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return out, err
	}
	containers, err := projectContainers(docker, p.Name)
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the Docker engine at %s (onprem.docker_host): %v", host, err))
		return
	}
	staging := &Environment{Name: p.OnPrem.Environment}
	previews := map[string][]container{}
	mine := map[string][]container{}
	for _, c := range containers {
		app := c.Config.Labels[naming.AppLabel]
		if app == "" {
			continue
		}
		if n := c.Config.Labels[stacks.PreviewLabel]; n != "" {
			previews[n] = append(previews[n], c)
		} else if c.Config.Labels["environment"] == p.OnPrem.Environment {
			mine[app] = append(mine[app], c)
		}
	}
	for _, a := range p.Apps {
		staging.Apps = append(staging.Apps, appStatus(a.Name, mine[a.Name]))
	}
	stagingRelease(p, staging, r)
	r.Staging = staging
	numbers := make([]string, 0, len(previews))
	for n := range previews {
		numbers = append(numbers, n)
	}
	sort.Strings(numbers)
	for _, n := range numbers {
		byApp := map[string][]container{}
		for _, c := range previews[n] {
			byApp[c.Config.Labels[naming.AppLabel]] = append(byApp[c.Config.Labels[naming.AppLabel]], c)
		}
		e := &Environment{Name: "preview " + n, ReleaseNote: "previews run a pull request's code, never a release"}
		for _, a := range p.Apps {
			if cs, ok := byApp[a.Name]; ok {
				e.Apps = append(e.Apps, appStatus(a.Name, cs))
			}
		}
		r.Previews = append(r.Previews, e)
	}
	r.Backups = backups(docker, postgrescluster.BackupName(p.Name), containers, r)
	homeAlerts(docker, p, r)
}

// projectContainers inspects every container of the project, with the
// digest of its image.
func projectContainers(docker func(...string) ([]byte, error), project string) ([]container, error) {
	ids, err := docker("ps", "-aq", "--filter", "label=project="+project)
	if err != nil {
		return nil, err
	}
	if len(strings.Fields(string(ids))) == 0 {
		return nil, nil
	}
	raw, err := docker(append([]string{"inspect"}, strings.Fields(string(ids))...)...)
	if err != nil {
		return nil, err
	}
	var cs []container
	if err := json.Unmarshal(raw, &cs); err != nil {
		return nil, fmt.Errorf("docker inspect: %w", err)
	}
	for i := range cs {
		cs[i].Name = strings.TrimPrefix(cs[i].Name, "/")
		out, err := docker("image", "inspect", "--format", "{{json .RepoDigests}}", cs[i].Image)
		var digests []string
		if err == nil && json.Unmarshal(out, &digests) == nil && len(digests) > 0 {
			_, cs[i].digest, _ = strings.Cut(digests[0], "@")
		}
	}
	return cs, nil
}

// appStatus is an app from its containers: the running one that started
// last, else the last that ran.
func appStatus(app string, cs []container) AppStatus {
	if len(cs) == 0 {
		return AppStatus{App: app, Health: "missing", Detail: "no container"}
	}
	sort.Slice(cs, func(i, j int) bool {
		ri, rj := cs[i].State.Status == "running", cs[j].State.Status == "running"
		if ri != rj {
			return !ri
		}
		return cs[i].State.StartedAt.Before(cs[j].State.StartedAt)
	})
	c := cs[len(cs)-1]
	detail := c.Name + " " + c.State.Status
	if len(cs) > 1 {
		detail += fmt.Sprintf(" (%d containers: a rollout?)", len(cs))
	}
	return AppStatus{App: app, Digest: c.digest, Health: c.health(), Since: c.State.StartedAt, Detail: detail}
}

// stagingRelease names the recorded release whose images are the ones
// that run (the newest such), from the manifests in the state dir.
func stagingRelease(p *config.Project, e *Environment, r *Report) {
	stateDir, err := p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return
	}
	dir := release.Dir(stateDir)
	ids, err := release.List(dir)
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("releases in %s: %v", dir, err))
		return
	}
	running := map[string]string{}
	for _, a := range e.Apps {
		running[a.App] = a.Digest
	}
	for i := len(ids) - 1; i >= 0; i-- {
		m, err := release.Load(dir + "/" + ids[i] + ".json")
		if err != nil {
			r.Problems = append(r.Problems, err.Error())
			continue
		}
		if runsManifest(m, running) {
			e.Release = &ReleaseInfo{ID: m.ID, Commit: m.Commit, Time: m.Created}
			if i != len(ids)-1 {
				e.ReleaseNote = "an earlier release than the newest (" + ids[len(ids)-1] + ")"
			}
			return
		}
	}
	e.ReleaseNote = "what runs is no recorded release (deployed, not released yet)"
	if len(ids) == 0 {
		e.ReleaseNote = "no release recorded yet (go run ./cmd/fullstack release after a passing deploy)"
	}
}

// runsManifest: every image of the manifest is what runs.
func runsManifest(m *release.Manifest, running map[string]string) bool {
	images := 0
	for app, a := range m.Apps {
		if a.Image == nil {
			continue
		}
		images++
		if running[app] != a.Image.Digest {
			return false
		}
	}
	return images > 0
}

var dumpName = regexp.MustCompile(`^(.+)-([0-9]{8}T[0-9]{6}Z)\.dump$`)

// backups lists the newest dump of each database in the backup volume,
// and the backup container's health as the result of its last run.
func backups(docker func(...string) ([]byte, error), name string, containers []container, r *Report) []Backup {
	result := "missing"
	for _, c := range containers {
		if c.Name == name {
			result = c.health()
		}
	}
	if result == "missing" {
		return nil
	}
	out, err := docker("exec", name, "ls", "-1", "/backup")
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the backups in %s: %v", name, err))
		return nil
	}
	newest := map[string]Backup{}
	for _, f := range strings.Fields(string(out)) {
		m := dumpName.FindStringSubmatch(f)
		if m == nil {
			continue
		}
		at, err := time.Parse("20060102T150405Z", m[2])
		if err != nil {
			continue
		}
		if b, ok := newest[m[1]]; !ok || at.After(b.Time) {
			newest[m[1]] = Backup{Database: m[1], File: f, Time: at, Result: result}
		}
	}
	var list []Backup
	for _, b := range newest {
		list = append(list, b)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Database < list[j].Database })
	if len(list) == 0 {
		list = append(list, Backup{Database: "(none yet)", Result: result})
	}
	return list
}
