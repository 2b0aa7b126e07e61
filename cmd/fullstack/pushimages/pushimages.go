// Package pushimages builds and pushes every image the cloud stack runs,
// by tag, without a release (the escape hatch: production normally runs
// the digests promote copied):
//
//	<registry>/<project>/<kind>/<app>:<tag>            each api and model app
//	<registry>/<project>/<kind>/<app>:flyway-<hash>    each app's migrations
//
//	go run ./cmd/fullstack push-images <ecr registry> <tag>
//
// It runs the docker CLI, logged in to the registry already.
package pushimages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/naming"
)

const usage = `usage: fullstack push-images [-project FILE] <ecr registry> <tag>

Builds and pushes each api and model app's image as <registry>/<project>/<kind>/<app>:<tag>,
and each migration image (the pinned Flyway image, the app's migrations and the callback
that grants the app its own role) as <registry>/<project>/<kind>/<app>:flyway-<hash>,
with the docker CLI.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("push-images", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return cli.UsageError(fs, stderr, errors.New("takes the ECR registry and the tag"))
	}
	registry, tag := fs.Arg(0), fs.Arg(1)
	p, err := config.Load(*project)
	if err != nil {
		return err
	}
	contexts, err := os.MkdirTemp("", "fullstack-migrations-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(contexts)
	docker := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "docker", args...)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("docker %s: %w", strings.Join(args, " "), err)
		}
		return nil
	}
	buildAndPush := func(ref, context string) error {
		if err := docker("build", "-t", ref, context); err != nil {
			return err
		}
		return docker("push", ref)
	}
	for _, a := range p.Apps {
		repo := registry + "/" + naming.AppRepository(p.Name, string(a.Kind), a.Name).Value
		if a.Kind != config.KindSite {
			if err := buildAndPush(repo+":"+tag, filepath.Join(p.Dir, a.Source)); err != nil {
				return fmt.Errorf("%s: %w", a.Name, err)
			}
		}
		if !a.Database.Enabled {
			continue
		}
		ms, err := p.AppMigrations(a.Name)
		if err != nil {
			return err
		}
		dir := filepath.Join(contexts, a.Name)
		if _, err := dbspec.PrepareMigrationContext(dir, ms); err != nil {
			return err
		}
		if err := buildAndPush(repo+":"+flyway.ImageTag(ms), dir); err != nil {
			return fmt.Errorf("%s: migration image: %w", a.Name, err)
		}
	}
	return nil
}
