// Command promote copies exactly the image digests of a release (written
// by cmd/release after a passing staging deploy) from the home registry to
// the project's ECR repositories, registry to registry
// (go-containerregistry; no docker pull or push). It runs on the home
// server, which holds the release key:
//
//	go run ./cmd/promote -release release.json
//
// Before anything is copied it refuses a manifest that is missing,
// corrupt, not sealed by this home server, not of this project, or whose
// digests the home registry does not hold, and an ECR that cannot be
// reached or refuses the token; every problem names the app and the
// cause. A digest ECR already holds is not copied again. Each copied
// image is tagged <release id> (<release id>-flyway for a migration
// image), so ECR's lifecycle keeps it like any tagged image.
//
// AWS credentials and region come from the environment as for the AWS CLI
// (in GitHub Actions: the OpenID Connect deploy role); the region defaults
// to cloud.region. FULLSTACK_AWS_ENDPOINT points the ECR API at the local
// emulator; -ecr-registry then names the registry that stands in for
// ECR's registry endpoint (the emulator serves none).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "promote:", err)
		os.Exit(1)
	}
}

// image is one image to promote.
type image struct {
	app, what string
	src       release.Image
	target    string // ECR repository
	tag       string
}

func run(args []string) error {
	fs := flag.NewFlagSet("promote", flag.ContinueOnError)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	manifest := fs.String("release", "", "release manifest to promote (cmd/release); required")
	ecrOverride := fs.String("ecr-registry", "", "registry to push to instead of the token's proxy endpoint (emulator only): host:port, or http://host:port for plain HTTP")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *manifest == "" {
		return errors.New("-release is required: the manifest cmd/release wrote (release -list shows them)")
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	if *ecrOverride != "" && !p.Cloud.Emulator.Enabled() {
		return errors.New("-ecr-registry is for the emulator only (set FULLSTACK_AWS_ENDPOINT): on AWS the registry is the one ECR's token names")
	}
	stateDir, err := p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	m, err := release.Load(*manifest)
	if err != nil {
		return fmt.Errorf("%w\nnothing was copied", err)
	}
	key, err := release.LoadKey(stateDir)
	if err != nil {
		return fmt.Errorf("%w: promote runs on the home server whose staging deploy wrote the release; nothing was copied", err)
	}
	if err := m.Verify(key); err != nil {
		return fmt.Errorf("%w; nothing was copied", err)
	}
	if m.Project != p.Name {
		return fmt.Errorf("release %s is of project %q, not %q; nothing was copied", m.ID, m.Project, p.Name)
	}
	ctx := context.Background()
	start := time.Now()
	images := plan(p, m)
	home := release.HomeRegistry(p.OnPrem, m.Registry, os.Getenv)
	if err := checkSources(ctx, home, images); err != nil {
		return fmt.Errorf("release %s cannot be promoted; nothing was copied:\n%w", m.ID, err)
	}
	ecr, err := ecrRegistry(ctx, p, *ecrOverride)
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
	var copied, present int
	for _, img := range images {
		t := time.Now()
		res, err := release.Copy(ctx, home, img.src.Repository, img.src.Digest, ecr, img.target, img.tag)
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w (images copied before it stay; promote again to finish)", img.app, img.what, img.src.Digest, err)
		}
		if res.Present {
			present++
			fmt.Printf("%-20s %-16s %s already in %s/%s\n", img.app, img.what, img.src.Digest, ecr.Address, img.target)
			continue
		}
		copied++
		fmt.Printf("%-20s %-16s %s copied to %s/%s:%s (%d bytes, %s)\n", img.app, img.what, img.src.Digest, ecr.Address, img.target, img.tag, res.Bytes, time.Since(t).Round(time.Millisecond))
	}
	fmt.Printf("release %s promoted: %d images copied (%d bytes), %d already in ECR, %s\n",
		m.ID, copied, ecr.Sent(), present, time.Since(start).Round(time.Millisecond))
	return nil
}

// plan lists the release's images with their ECR repositories and tags.
func plan(p *config.Project, m *release.Manifest) []image {
	var out []image
	for _, name := range m.AppNames() {
		a := m.Apps[name]
		target := naming.AppRepository(p.Name, a.Kind, name).Value
		if a.Image != nil {
			out = append(out, image{app: name, what: "image", src: *a.Image, target: target, tag: m.ID})
		}
		if a.Migrations != nil && a.Migrations.Image != nil {
			out = append(out, image{app: name, what: "migration image", src: *a.Migrations.Image, target: target, tag: m.ID + "-flyway"})
		}
	}
	return out
}

// checkSources confirms the home registry holds every digest, naming each
// app whose digest is missing.
func checkSources(ctx context.Context, home *release.Registry, images []image) error {
	var errs []error
	for _, img := range images {
		ok, err := home.Has(ctx, img.src.Repository, img.src.Digest)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %s: %v", img.app, img.what, oneLine(err)))
		case !ok:
			errs = append(errs, fmt.Errorf("%s: the home registry %s does not hold the %s %s@%s", img.app, home.Address, img.what, img.src.Repository, img.src.Digest))
		}
	}
	return errors.Join(errs...)
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
