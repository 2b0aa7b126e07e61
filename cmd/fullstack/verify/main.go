// Package verify (`fullstack verify`) checks a release before production deploys it: the
// manifest's cosign signature (release.json.sig) against the repository's
// public keys (release.public_keys), its project and branch, and, unless
// -manifest-only, the cosign signature of every image it names in ECR. It
// needs no private key, so it runs on GitHub's hosted runner:
//
//	go run ./cmd/fullstack verify -release release.json -manifest-only   # before any AWS role is assumed
//	go run ./cmd/fullstack verify -release release.json                  # with the deploy role: ECR too
//
// Exit 0 only when everything verifies; otherwise every problem is listed
// and nothing should deploy. FULLSTACK_AWS_ENDPOINT and -ecr-registry
// point it at the emulator and its stand-in registry, as for cmd/fullstack/promote.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

const usage = `usage: fullstack verify -release FILE [-manifest-only] [flags]

Checks a release before production deploys it: the manifest's signature,
project and branch and, unless -manifest-only, every image's signature in
ECR.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("verify", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	manifest := fs.String("release", "", "release manifest (its signature is the same path + .sig); required")
	manifestOnly := fs.Bool("manifest-only", false, "check the manifest's signature only (no ECR)")
	ecrOverride := fs.String("ecr-registry", "", "registry standing in for ECR's endpoint (emulator only)")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *manifest == "" {
		return cli.UsageError(fs, stderr, errors.New("-release is required"))
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	start := time.Now()
	m, keys, err := release.VerifiedFor(p, *manifest)
	if err != nil {
		return fmt.Errorf("%w\ndo not deploy it", err)
	}
	fmt.Fprintf(stdout, "release %s (commit %s, %s, run %s): manifest signature verified in %s\n", m.ID, m.Commit, m.Source.Ref, m.Source.Run, time.Since(start).Round(time.Millisecond))
	if *manifestOnly {
		return nil
	}
	ecr, err := release.ECRRegistry(ctx, p, *ecrOverride)
	if err != nil {
		return err
	}
	start = time.Now()
	var errs []error
	n := 0
	for _, name := range m.AppNames() {
		repo := m.ECRRepository(name)
		for _, img := range m.Apps[name].Images() {
			n++
			if _, err := release.VerifyImage(ctx, ecr, repo, img.Digest, keys); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("release %s is not what was signed in ECR:\n%w\ndo not deploy it", m.ID, err)
	}
	fmt.Fprintf(stdout, "release %s: %d image signatures verified in ECR %s in %s\n", m.ID, n, ecr.Address, time.Since(start).Round(time.Millisecond))
	return nil
}
