package stacks

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/release"
)

// cloudInputs is what the cloud stack reads from disk, all of it before
// its first construct.
type cloudInputs struct {
	databases []dbspec.Spec
	// siteFiles are each site's build output, by app.
	siteFiles map[string][]clientsite.File
	// release is the release to deploy (Options.Release), checked against
	// the checkout; nil: images by the image_tag variable.
	release *release.Manifest
}

func readCloudInputs(p *config.Project, opts Options) (*cloudInputs, error) {
	in := &cloudInputs{siteFiles: map[string][]clientsite.File{}}
	if opts.Release != nil {
		// The release's migrations and site files must be what this
		// checkout deploys: otherwise production would run images with
		// migrations or files staging never saw together.
		check := release.CheckCheckout
		if opts.Rollback {
			check = release.CheckRollback
		}
		if err := check(opts.Release, p); err != nil {
			return nil, err
		}
		in.release = opts.Release
	}
	var err error
	if in.databases, err = databaseSpecs(p); err != nil {
		return nil, err
	}
	for _, a := range siteApps(p.Apps) {
		build, err := sourceDir(p, a)
		if err != nil {
			return nil, err
		}
		if in.siteFiles[a.Name], err = clientsite.Files(build); err != nil {
			return nil, fmt.Errorf("apps %s: source %s: %w", a.Name, a.Source, err)
		}
	}
	return in, nil
}

// appDigest is the digest of app's image in the release ("" without one).
func (in *cloudInputs) appDigest(app string) string {
	if in.release == nil {
		return ""
	}
	if img := in.release.Apps[app].Image; img != nil {
		return img.Digest
	}
	return ""
}

// migrationDigest is the digest of app's migration image in the release
// ("" without one).
func (in *cloudInputs) migrationDigest(app string) string {
	if in.release == nil {
		return ""
	}
	if m := in.release.Apps[app].Migrations; m != nil && m.Image != nil {
		return m.Image.Digest
	}
	return ""
}
