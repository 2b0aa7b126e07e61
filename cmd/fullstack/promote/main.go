// Package promote (`fullstack promote`) copies exactly the image digests of a release (written
// by cmd/fullstack/release after a passing staging deploy) from the home registry to
// the project's ECR repositories, registry to registry
// (go-containerregistry; no docker pull or push), with each image's
// cosign signature. It runs on the release runner (the home registry is
// local to it) and needs no private key:
//
//	go run ./cmd/fullstack promote -release release.json
//
// Before anything is copied it refuses a manifest that is missing,
// corrupt, unsigned or not signed by a key of release.public_keys (the
// repository's), built from another ref than cloud.github.branch, not of
// this project, or whose digests the home registry does not hold or has
// unsigned, and an ECR that cannot be reached or refuses the token; every
// problem names the app and the cause. A digest ECR already holds is not
// copied again. Each copied image is tagged <release id> (<release
// id>-flyway for a migration image), its signature sha256-<hex>.sig as
// cosign does, and the signatures are verified again in ECR. The signed
// manifest is then kept in the state bucket (cmd/fullstack/releases).
//
// With -mark-running, after production runs the release, it moves the
// ECR tags "running" and "running-flyway" onto the release's images
// instead (ECR's lifecycle never expires what they mark).
//
// AWS credentials and region come from the environment as for the AWS CLI
// (in GitHub Actions: the OpenID Connect promote role); the region defaults
// to cloud.region. FULLSTACK_AWS_ENDPOINT points the ECR API at the local
// emulator; -ecr-registry then names the registry that stands in for
// ECR's registry endpoint (the emulator serves none).
package promote

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
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
)

const usage = `usage: fullstack promote -release FILE [-mark-running] [flags]

Copies a release's image digests and their cosign signatures from the home
registry to ECR (after verifying the manifest), and keeps the manifest in
the state bucket. -mark-running moves ECR's running tags instead.`

// image is one image to promote.
type image struct {
	app, what string
	src       release.Image
	target    string // ECR repository
	tag       string
}

func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("promote", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	manifest := fs.String("release", "", "release manifest to promote (cmd/fullstack/release); required")
	markRunning := fs.Bool("mark-running", false, "after production runs the release: move the ECR running tags onto its images, and copy nothing")
	ecrOverride := fs.String("ecr-registry", "", "registry to push to instead of the token's proxy endpoint (emulator only): host:port, or http://host:port for plain HTTP")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *manifest == "" {
		return cli.UsageError(fs, stderr, errors.New("-release is required: the manifest cmd/fullstack/release wrote (release -list shows them)"))
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	verifyStart := time.Now()
	m, keys, err := release.VerifiedFor(p, *manifest)
	if err != nil {
		return fmt.Errorf("%w\nnothing was copied", err)
	}
	if *markRunning {
		return markReleaseRunning(ctx, stdout, p, m)
	}
	start := time.Now()
	images := plan(p, m)
	home := release.HomeRegistry(p.OnPrem, m.Registry, os.Getenv)
	if err := checkSources(ctx, home, images, keys); err != nil {
		return fmt.Errorf("release %s cannot be promoted; nothing was copied:\n%w", m.ID, err)
	}
	ecr, err := release.ECRRegistry(ctx, p, *ecrOverride)
	if err != nil {
		return fmt.Errorf("%w; nothing was copied, the release is untouched", err)
	}
	// Ask ECR about every image before copying any: an unreachable or
	// refusing registry stops the promotion before it starts.
	for _, img := range images {
		if _, err := ecr.Has(ctx, img.target, img.src.Digest); err != nil {
			return fmt.Errorf("ECR registry %s: %v; nothing was copied, the release is untouched", ecr.Address, oneLine(err))
		}
	}
	fmt.Fprintf(stdout, "release %s: manifest and %d image signatures verified in %s\n", m.ID, len(images), time.Since(verifyStart).Round(time.Millisecond))
	var copied, present int
	for _, img := range images {
		t := time.Now()
		res, err := release.Copy(ctx, home, img.src.Repository, img.src.Digest, ecr, img.target, img.tag)
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w (images copied before it stay; promote again to finish)", img.app, img.what, img.src.Digest, err)
		}
		// Copied and verified in ECR.
		if err := release.CopySignatures(ctx, home, img.src.Repository, img.src.Digest, ecr, img.target, keys); err != nil {
			return fmt.Errorf("%s: %s %s: signature: %w (images copied before it stay; promote again to finish)", img.app, img.what, img.src.Digest, err)
		}
		if res.Present {
			present++
			fmt.Fprintf(stdout, "%-20s %-16s %s already in %s/%s\n", img.app, img.what, img.src.Digest, ecr.Address, img.target)
			continue
		}
		copied++
		fmt.Fprintf(stdout, "%-20s %-16s %s copied to %s/%s:%s (%d bytes, %s)\n", img.app, img.what, img.src.Digest, ecr.Address, img.target, img.tag, res.Bytes, time.Since(t).Round(time.Millisecond))
	}
	// Kept off the home server: a rollback reads it from there.
	store, err := release.NewOffsite(ctx, p)
	if err == nil {
		err = store.Keep(ctx, *manifest, m)
	}
	if err != nil {
		return fmt.Errorf("release %s: the images are in ECR, but the manifest could not be kept off-site (%v); promote again once the state bucket is reachable", m.ID, err)
	}
	fmt.Fprintf(stdout, "release %s promoted: %d images copied (%d bytes), %d already in ECR, %s; kept in s3://%s/%s\n",
		m.ID, copied, ecr.Sent(), present, time.Since(start).Round(time.Millisecond), store.Bucket, store.Prefix)
	return nil
}

// plan lists the release's images with their ECR repositories and tags.
func plan(p *config.Project, m *release.Manifest) []image {
	var out []image
	for _, name := range m.AppNames() {
		a := m.Apps[name]
		target := m.ECRRepository(name)
		if a.Image != nil {
			out = append(out, image{app: name, what: "image", src: *a.Image, target: target, tag: naming.ReleaseImageTag(m.ID, false)})
		}
		if a.Migrations != nil && a.Migrations.Image != nil {
			out = append(out, image{app: name, what: "migration image", src: *a.Migrations.Image, target: target, tag: naming.ReleaseImageTag(m.ID, true)})
		}
	}
	return out
}

// checkSources confirms the home registry holds every digest, signed by a
// trusted key, naming each app whose digest is missing or unsigned.
func checkSources(ctx context.Context, home *release.Registry, images []image, keys release.TrustedKeys) error {
	var errs []error
	for _, img := range images {
		ok, err := home.Has(ctx, img.src.Repository, img.src.Digest)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %s: %v", img.app, img.what, oneLine(err)))
		case !ok:
			errs = append(errs, fmt.Errorf("%s: the home registry %s does not hold the %s %s@%s", img.app, home.Address, img.what, img.src.Repository, img.src.Digest))
		default:
			if _, err := release.VerifyImage(ctx, home, img.src.Repository, img.src.Digest, keys); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %v", img.app, img.what, err))
			}
		}
	}
	return errors.Join(errs...)
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// markReleaseRunning moves the running tags onto m's images in ECR.
func markReleaseRunning(ctx context.Context, stdout io.Writer, p *config.Project, m *release.Manifest) error {
	client, _, err := release.ECRClient(ctx, p)
	if err != nil {
		return err
	}
	done, err := release.MarkReleaseRunning(ctx, client, m)
	for _, line := range done {
		fmt.Fprintln(stdout, line)
	}
	if err != nil {
		return fmt.Errorf("release %s: the running tags could not all be moved (production runs it; run promote -mark-running again):\n%w", m.ID, err)
	}
	fmt.Fprintf(stdout, "release %s is marked running in ECR\n", m.ID)
	return nil
}
