// Package logs (`fullstack logs`) prints one app's logs on either target, with the same
// flags on both:
//
//	go run ./cmd/fullstack logs -app notes-api                        # staging: the last 10 minutes
//	go run ./cmd/fullstack logs -target production -app notes-api -since 1h -follow
//	go run ./cmd/fullstack logs -target production -app notes-api -migrations
//
// staging reads the app's running container on onprem.docker_host
// (FULLSTACK_DOCKER_HOST) with the docker CLI; during a rollout, the
// newest. production reads the app's CloudWatch log group through the
// API, credentials as for the AWS CLI (FULLSTACK_AWS_ENDPOINT for the
// emulator). Each line starts with its time (UTC, RFC 3339).
//
// Exit 0; 1 when the logs cannot be read (the reason is printed); 2 on
// bad flags.
package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
)

// Targets: the home server's environment and AWS's.
const (
	targetStaging    = "staging"
	targetProduction = "production"
)

// request is what to read, checked.
type request struct {
	p          *config.Project
	target     string
	app        config.App
	since      time.Time
	follow     bool
	migrations bool
}

const usage = `usage: fullstack logs -app NAME [-target staging|production] [-since D] [-follow] [-migrations] [flags]

Prints one app's logs on either target, each line with its time (UTC):
staging from its container on the home server, production from CloudWatch.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.WithCode(run(ctx, args, stdout, stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := cli.FlagSet("logs", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	target := fs.String("target", targetStaging, "staging (the home server) or production (AWS)")
	app := fs.String("app", "", "the app whose logs to print; required")
	since := fs.String("since", "10m", "how far back: a duration (90s, 10m, 2h) or a time (2026-12-05T10:00:00Z)")
	follow := fs.Bool("follow", false, "keep printing new lines until Ctrl-C")
	migrations := fs.Bool("migrations", false, "the app's Flyway runs instead (production: their log group)")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return cli.Code(err), err
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return 2, err
	}
	req, err := parseRequest(p, *target, *app, *since, *follow, *migrations, time.Now())
	if err != nil {
		return 2, err
	}
	if req.target == targetStaging {
		err = dockerLogs(ctx, req, stdout, stderr)
	} else {
		err = cloudWatchLogs(ctx, req, stdout)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return 1, err
	}
	return 0, nil
}

// parseRequest checks the flags against the project, every problem at
// once.
func parseRequest(p *config.Project, target, app, since string, follow, migrations bool, now time.Time) (request, error) {
	req := request{p: p, follow: follow, migrations: migrations}
	var problems []string
	switch target {
	case targetStaging, targetProduction:
		req.target = target
	default:
		problems = append(problems, fmt.Sprintf("-target %q: is staging (the home server) or production (AWS)", target))
	}
	a, ok := p.AppNamed(app)
	switch {
	case app == "":
		problems = append(problems, "-app is required: one of "+appNames(p))
	case !ok:
		problems = append(problems, fmt.Sprintf("-app %q: is not an app of %s: one of %s", app, p.Name, appNames(p)))
	case target == targetProduction && a.Kind == config.KindSite && !migrations:
		problems = append(problems, fmt.Sprintf("-app %q: is a site: on AWS CloudFront serves it from S3 and it writes no logs (cloud.security.access_logs keeps CloudFront's)", app))
	case migrations && !a.Database.Enabled:
		problems = append(problems, fmt.Sprintf("-migrations: app %q has no database, so no Flyway runs", app))
	case migrations && target == targetStaging:
		problems = append(problems, "-migrations: on the home server Flyway's output is in the deploy's own log (cdktf deploy onprem)")
	}
	req.app = a
	if d, err := time.ParseDuration(since); err == nil && d > 0 {
		req.since = now.Add(-d)
	} else if t, err := time.Parse(time.RFC3339, since); err == nil {
		req.since = t
	} else {
		problems = append(problems, fmt.Sprintf("-since %q: is a positive duration (90s, 10m, 2h) or an RFC 3339 time (2026-12-05T10:00:00Z)", since))
	}
	if len(problems) > 0 {
		return req, errors.New(strings.Join(problems, "\n"))
	}
	return req, nil
}

func appNames(p *config.Project) string {
	var names []string
	for _, a := range p.Apps {
		names = append(names, a.Name)
	}
	return strings.Join(names, ", ")
}
