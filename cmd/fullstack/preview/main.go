// Package preview (`fullstack preview`) runs a copy of the on-prem apps per pull request on the
// home server, beside staging (stacks.Preview):
//
//	go run ./cmd/fullstack preview up 42 [-commit SHA]   # create or update pull request 42's preview
//	go run ./cmd/fullstack preview down 42               # remove it and its data: databases, roles, images
//	go run ./cmd/fullstack preview list                  # every preview: age, last deploy, commit, URL
//	go run ./cmd/fullstack preview prune [-max-age 7d] [-max 3]
//
// Staging must be deployed first (`cdktf deploy onprem`): a preview uses
// its registry, PostgreSQL server and front proxy and never changes them.
// Each preview keeps its Terraform state, its record and its database
// passwords (generated, 0600) in <onprem.state_dir>/previews/pr-<n>.
// It runs the project's cdktf CLI and Terraform with the caller's
// environment (TF_VAR_onprem_postgres_password, the apps' secrets,
// TF_CLI_CONFIG_FILE, FULLSTACK_PROJECT, FULLSTACK_STATE_DIR, ...).
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
)

const usage = `usage: fullstack preview [-project FILE] up <n> [-commit SHA] | down <n> | list | prune [-max-age DURATION] [-max N]

Runs a copy of the on-prem apps per pull request on the home server, beside
staging; down removes it with its data, prune the idle ones.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("preview", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return cli.UsageError(fs, stderr, errors.New("a command is required: up, down, list or prune"))
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	h, err := newHome(p, *project)
	if err != nil {
		return err
	}
	h.stdout, h.stderr = stdout, stderr
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "up":
		n, rest, err := number(cmd, rest)
		if err != nil {
			return err
		}
		sub := cli.FlagSet("preview up", usage)
		commit := sub.String("commit", os.Getenv("GITHUB_SHA"), "commit the preview runs (shown by list)")
		if err := cli.Parse(sub, rest, stdout, stderr); err != nil {
			return err
		}
		if err := h.up(n, *commit); err != nil {
			h.notifyFailure(n, *commit, err)
			return err
		}
		return nil
	case "down":
		n, _, err := number(cmd, rest)
		if err != nil {
			return err
		}
		return h.down(n)
	case "list":
		return h.list(stdout, time.Now())
	case "prune":
		sub := cli.FlagSet("preview prune", usage)
		maxAge := sub.Duration("max-age", time.Duration(p.OnPrem.Previews.MaxAgeDays)*24*time.Hour, "remove previews not deployed for longer (default onprem.previews.max_age_days)")
		max := sub.Int("max", p.OnPrem.Previews.Max, "then keep at most this many, the most recently deployed (default onprem.previews.max)")
		if err := cli.Parse(sub, rest, stdout, stderr); err != nil {
			return err
		}
		if *maxAge <= 0 || *max < 0 {
			return fmt.Errorf("prune: -max-age %s must be positive and -max %d at least 0", *maxAge, *max)
		}
		return h.prune(*maxAge, *max, time.Now())
	default:
		return cli.UsageError(fs, stderr, fmt.Errorf("unknown command %q", cmd))
	}
}

// number reads the pull request number that starts args.
func number(cmd string, args []string) (int, []string, error) {
	if len(args) == 0 {
		return 0, nil, fmt.Errorf("%s: which pull request? %s", cmd, usage)
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %q is not a pull request number", cmd, args[0])
	}
	return n, args[1:], config.CheckPreviewNumber(n)
}
