// Package localimage builds an app's image on the home server's Docker,
// pushes it to the local registry and pulls it back, so what runs is what
// the registry holds; the push's digest is what a release records. The tag is derived from the build context's content
// hash: the image is rebuilt and pushed exactly when the context changes.
package localimage

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/registryimage"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// SourceHashLabel records which build context an image came from.
const SourceHashLabel = "fullstack.source-hash"

// Props configures the pipeline.
type Props struct {
	// Registry, Namespace and App name the image. Required.
	Registry  *registry.Registry
	Namespace registry.Namespace
	App       string
	// ContextDir is the absolute build context holding the Dockerfile.
	// Required.
	ContextDir string
	// Hash fingerprints ContextDir (contenthash.Dir). Required.
	Hash string
	// TagPrefix starts the tag, before the hash's first 12 characters.
	// Default DefaultTagPrefix.
	TagPrefix string
}

// DefaultTagPrefix starts a source-built image's tag: "src-" and the hash.
const DefaultTagPrefix = "src-"

// LocalImage is the build, the push and the pulled image.
type LocalImage struct {
	constructs.Construct
	Build image.Image
	// Push keeps earlier tags in the registry: a rollback is a redeploy.
	Push registryimage.RegistryImage
	// Image is pulled back from the registry: containers run its ImageId.
	Image image.Image
	// Ref is <registry>/<namespace>/<app>:<TagPrefix><hash>.
	Ref string
	// Repository is <namespace>/<app> (a preview's: <prefix>/<namespace>/
	// <app>), the image's path in the registry.
	Repository string
}

// New builds, pushes and pulls the image under scope.
func New(scope constructs.Construct, id string, props Props) (*LocalImage, error) {
	props.defaults()
	ref, err := props.validate(propcheck.For(scope, id))
	if err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &LocalImage{Construct: c, Ref: ref, Repository: props.Registry.Repository(props.Namespace, props.App)}
	trigger := &map[string]*string{"source": jsii.String(props.Hash)}
	// Staging keeps every image it pushed (a rollback is a redeploy); a
	// preview's images go with it.
	keep := jsii.Bool(!props.Registry.OwnsImages())
	var pushAfter []cdktf.ITerraformDependable
	if props.Registry.Ready != nil {
		// Pushed once the registry answers.
		pushAfter = append(pushAfter, props.Registry.Ready)
	}
	l.Build = image.NewImage(c, jsii.String("build"), &image.ImageConfig{
		Name: jsii.String(ref),
		BuildAttribute: &image.ImageBuild{
			Context:    jsii.String(props.ContextDir),
			Dockerfile: jsii.String("Dockerfile"),
			Label:      &map[string]*string{SourceHashLabel: jsii.String(props.Hash)},
		},
		Triggers:    trigger,
		KeepLocally: keep,
	})
	l.Push = registryimage.NewRegistryImage(c, jsii.String("push"), &registryimage.RegistryImageConfig{
		Name:         l.Build.Name(),
		KeepRemotely: keep,
		Triggers:     trigger,
		DependsOn:    &pushAfter,
	})
	l.Image = image.NewImage(c, jsii.String("image"), &image.ImageConfig{
		Name:         l.Push.Name(),
		PullTriggers: &[]*string{l.Push.Sha256Digest()},
		KeepLocally:  keep,
	})
	return l, nil
}

// Digest is the manifest digest the registry holds for the pushed image
// (sha256:<hex>, a token): what a release records and promotes.
func (l *LocalImage) Digest() *string { return l.Push.Sha256Digest() }

// validate reports every problem of the props at once and returns the
// image's reference (which checking the names computes anyway).
func (p Props) validate(check *propcheck.Errors) (string, error) {
	check.Ref("Registry", p.Registry)
	check.BuildContext("ContextDir", p.ContextDir)
	if len(p.Hash) < 12 {
		check.Add("Hash", p.Hash, "is required (contenthash.Dir of ContextDir, at least 12 characters)")
	}
	var ref string
	if p.Registry != nil && len(p.Hash) >= 12 {
		var err error
		ref, err = p.Registry.ImageRef(p.Namespace, p.App, p.TagPrefix+p.Hash[:12])
		check.Check(err)
	}
	return ref, check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.TagPrefix == "" {
		p.TagPrefix = DefaultTagPrefix
	}
}
