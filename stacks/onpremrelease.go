package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
)

// Output names cmd/fullstack/release reads to write a release manifest.
const (
	ReleaseImagesOutput          = "release_images"
	ReleaseMigrationImagesOutput = "release_migration_images"
)

// releaseImage is an image as a release records it: its path in the home
// registry, the digest the registry holds and the build context's hash.
type releaseImage struct {
	Repository string  `json:"repository"`
	Digest     *string `json:"digest"`
	SourceHash string  `json:"source_hash"`
}

func newReleaseImage(img *localimage.LocalImage, hash string) releaseImage {
	return releaseImage{Repository: img.Repository, Digest: img.Digest(), SourceHash: hash}
}

// releaseOutputs publish the digests of what runs: each service's image
// and each database's migration image, as pushed to the home registry.
func releaseOutputs(stack cdktf.TerraformStack, in *onPremInputs, services map[string]*restservice.Service, databases map[string]*appdatabase.Database,
	migrationImages map[string]*localimage.LocalImage) {
	images := map[string]releaseImage{}
	for app, svc := range services {
		images[app] = newReleaseImage(svc.Image, in.sources[app].hash)
	}
	migrations := map[string]releaseImage{}
	for app := range databases {
		migrations[app] = newReleaseImage(migrationImages[app], in.migrations[app].Hash)
	}
	if len(images) > 0 {
		output(stack, ReleaseImagesOutput, images, "Each api/model app's image in the home registry: repository, digest, source hash (cmd/fullstack/release records them).")
	}
	if len(migrations) > 0 {
		output(stack, ReleaseMigrationImagesOutput, migrations, "Each app's migration image in the home registry: repository, digest, context hash.")
	}
}

// appNamespace is the registry namespace of app's images (its kind).
func appNamespace(p *config.Project, app string) registry.Namespace {
	a, _ := p.AppNamed(app)
	return registry.Namespace(a.Kind)
}
