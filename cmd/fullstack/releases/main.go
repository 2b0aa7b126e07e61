// Package releases (`fullstack releases`) reads and writes the releases kept off the home server,
// in the cloud state bucket (<bucket>/<project>/releases/): what a rollback
// needs when the home server is gone.
//
//	go run ./cmd/fullstack releases list                       # kept releases, newest first; * marks production's
//	go run ./cmd/fullstack releases fetch ID -out release.json  # download and verify (release.json + .sig)
//	go run ./cmd/fullstack releases record-production -release release.json [-rollback]
//
// promote keeps each release it copies there; the production job records
// the release it deployed. fetch verifies the signature and the branch
// with release.public_keys before it writes anything under -out.
// Credentials and region as for the AWS CLI (in GitHub Actions: the
// promote or deploy role); FULLSTACK_AWS_ENDPOINT for the emulator.
package releases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

const usage = `usage: fullstack releases list [-n N] | fetch ID [-out FILE] | record-production -release FILE [-rollback]

Reads and writes the releases kept off the home server, in the cloud state
bucket: what a rollback needs when the home server is gone.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := cli.FlagSet("releases", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	out := fs.String("out", "release.json", "fetch: where to write the manifest (and .sig)")
	manifest := fs.String("release", "", "record-production: the release deployed")
	rollback := fs.Bool("rollback", false, "record-production: it was put back by a rollback")
	limit := fs.Int("n", 15, "list: how many of the newest releases")
	var id string
	if cmd == "fetch" && len(args) > 0 {
		id, args = args[0], args[1:]
	}
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	switch cmd {
	case "list", "fetch", "record-production":
	case "":
		return cli.UsageError(fs, stderr, errors.New("a command is required: list, fetch or record-production"))
	default:
		return cli.UsageError(fs, stderr, fmt.Errorf("unknown command %q: list, fetch or record-production", cmd))
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	store, err := release.NewOffsite(ctx, p)
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		return list(ctx, stdout, store, *limit)
	case "fetch":
		if id == "" {
			return errors.New("fetch needs a release id (releases list shows them)")
		}
		return fetch(ctx, stdout, p, store, id, *out)
	case "record-production":
		if *manifest == "" {
			return errors.New("record-production needs -release")
		}
		return recordProduction(ctx, stdout, p, store, *manifest, *rollback)
	}
	return nil
}

func list(ctx context.Context, stdout io.Writer, store *release.Offsite, limit int) error {
	ids, err := store.List(ctx)
	if err != nil {
		return err
	}
	running, err := store.Production(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Fprintf(stdout, "no releases kept in s3://%s/%s\n", store.Bucket, store.Prefix)
		return nil
	}
	slices.Reverse(ids)
	for i, id := range ids {
		if i == limit {
			fmt.Fprintf(stdout, "... %d older\n", len(ids)-limit)
			break
		}
		mark := " "
		if running != nil && running.Release == id {
			mark = "*"
		}
		fmt.Fprintf(stdout, "%s %s\n", mark, id)
	}
	if running != nil {
		fmt.Fprintf(stdout, "* production runs %s (commit %s) since %s, deployed by %s\n", running.Release, running.Commit, running.Since.Format(time.RFC3339), running.Run)
	}
	return nil
}

// fetch downloads into a temporary directory, verifies, and only then
// writes -out and its signature.
func fetch(ctx context.Context, stdout io.Writer, p *config.Project, store *release.Offsite, id, out string) error {
	tmp, err := os.MkdirTemp("", "release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path, err := store.Fetch(ctx, id, tmp)
	if err != nil {
		return err
	}
	m, _, err := release.VerifiedFor(p, path)
	if err != nil {
		return fmt.Errorf("%w\nnothing was written", err)
	}
	// A signed manifest of another release copied over this id is still
	// signed: the id inside must be the one asked for.
	if m.ID != id {
		return fmt.Errorf("s3://%s/%s%s.json holds release %s, not %s: it was replaced; nothing was written", store.Bucket, store.Prefix, id, m.ID, id)
	}
	if err := release.CopySigned(path, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "release %s (commit %s) fetched and verified: %s\n", m.ID, m.Commit, out)
	return nil
}

func recordProduction(ctx context.Context, stdout io.Writer, p *config.Project, store *release.Offsite, path string, rollback bool) error {
	m, _, err := release.VerifiedFor(p, path)
	if err != nil {
		return err
	}
	r := release.Running{Release: m.ID, Commit: m.Commit, Since: time.Now().UTC().Truncate(time.Second), Run: release.RunURL(os.Getenv), Rollback: rollback}
	if err := store.RecordProduction(ctx, r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "production runs release %s: recorded in s3://%s/%s%s\n", m.ID, store.Bucket, store.Prefix, release.ProductionObject)
	return nil
}
