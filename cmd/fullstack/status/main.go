// Package status (`fullstack status`) says what runs where, at a glance: for staging, each
// preview and production, the release (id, commit, time) and per app the
// digest that runs, its health and since when; and the last backup of
// each database at home with its result. It reads the real sources every
// time: the Docker engine at onprem.docker_host, the release manifests in
// the state dir, the record the production job writes to the state bucket,
// and ECS and the load balancer's target health. Nothing is cached.
//
//	go run ./cmd/fullstack status                       # both targets
//	go run ./cmd/fullstack status -target staging -json # for scripts
//
// A source that cannot be read is reported in the output (and makes the
// exit code 1) without hiding the others. Exit 0 when everything was read
// and every app is healthy; 1 otherwise; 2 on bad flags.
package status

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
)

// Report is what status prints (-json: this, as JSON).
type Report struct {
	Project    string         `json:"project"`
	Staging    *Environment   `json:"staging,omitempty"`
	Previews   []*Environment `json:"previews,omitempty"`
	Production *Environment   `json:"production,omitempty"`
	Backups    []Backup       `json:"backups,omitempty"`
	// Alerts are what the home Alertmanager holds now (nil when it was
	// not read).
	Alerts []Alert `json:"alerts,omitempty"`
	// Problems are the sources that could not be read.
	Problems []string `json:"problems,omitempty"`
}

// Environment is one place the apps run.
type Environment struct {
	Name    string       `json:"name"`
	Release *ReleaseInfo `json:"release,omitempty"`
	// ReleaseNote says why there is no release (none recorded, or what
	// runs is not the newest release).
	ReleaseNote string      `json:"release_note,omitempty"`
	Apps        []AppStatus `json:"apps"`
}

// ReleaseInfo names a release.
type ReleaseInfo struct {
	ID     string    `json:"id"`
	Commit string    `json:"commit"`
	Time   time.Time `json:"time"`
}

// AppStatus is one app in one environment.
type AppStatus struct {
	App    string `json:"app"`
	Digest string `json:"digest,omitempty"`
	// Health is healthy, unhealthy, starting, stopped or missing.
	Health string    `json:"health"`
	Since  time.Time `json:"since,omitzero"`
	// Detail is the target's own words: ECS's running/desired and the
	// load balancer's healthy targets, or Docker's state.
	Detail string `json:"detail,omitempty"`
}

// Backup is the newest dump of one database at home.
type Backup struct {
	Database string    `json:"database"`
	File     string    `json:"file,omitempty"`
	Time     time.Time `json:"time,omitzero"`
	// Result is the backup container's health: healthy when its last run
	// succeeded.
	Result string `json:"result"`
}

const usage = `usage: fullstack status [-target staging|production|all] [-json] [flags]

Says what runs where: per environment the release and each app's digest,
health and since when, and the last backup of each database at home. Exit 1
when a source cannot be read or anything is unhealthy.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.WithCode(run(ctx, args, stdout, stderr))
}

func run(ctx context.Context, args []string, out, stderr io.Writer) (int, error) {
	fs := cli.FlagSet("status", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	target := fs.String("target", "all", "staging (with previews and backups), production, or all")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := cli.Parse(fs, args, out, stderr); err != nil {
		return cli.Code(err), err
	}
	if *target != "all" && *target != "staging" && *target != "production" {
		return 2, fmt.Errorf("-target %q: is staging, production or all", *target)
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return 2, err
	}
	r := &Report{Project: p.Name}
	if *target != "production" {
		readHome(ctx, p, r)
	}
	if *target != "staging" {
		readProduction(ctx, p, r)
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return 1, err
		}
	} else {
		printReport(out, r)
	}
	if !r.healthy() {
		return 1, nil
	}
	return 0, nil
}

// healthy: every source read, every app healthy, every backup fine.
func (r *Report) healthy() bool {
	if len(r.Problems) > 0 {
		return false
	}
	envs := append([]*Environment{r.Staging, r.Production}, r.Previews...)
	for _, e := range envs {
		if e == nil {
			continue
		}
		for _, a := range e.Apps {
			if a.Health != "healthy" {
				return false
			}
		}
	}
	for _, a := range r.Alerts {
		if !a.Event {
			return false
		}
	}
	for _, b := range r.Backups {
		if b.Result != "healthy" {
			return false
		}
	}
	return true
}
