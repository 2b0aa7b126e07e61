package containerregistry

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/naming"
)

// Repository names one app's repository.
type Repository struct {
	// App is the app name. Required.
	App string
	// Kind is the app kind, which is the namespace. Required.
	Kind string
}

// Defaults of the zero-valued Props fields.
const (
	DefaultKeepTaggedImages   = awsrules.DefaultKeepTaggedImages
	DefaultUntaggedExpiryDays = awsrules.DefaultUntaggedExpiryDays
)

// Props configures the registry.
type Props struct {
	// Project prefixes every repository name. Required.
	Project string
	// Repositories to create, one per app. Default none.
	Repositories []Repository
	// MutableTags lets a tag be overwritten. Default false (immutable).
	MutableTags bool
	// KeepTaggedImages per repository. Default 30.
	KeepTaggedImages int
	// UntaggedExpiryDays before untagged images expire. Default 7.
	UntaggedExpiryDays int
	// ForceDelete deletes repositories that still hold images on destroy.
	// Default false: images are not lost by accident. Set it for throwaway
	// environments (the stacks do on the emulator).
	ForceDelete bool
	// KMSKeyARN encrypts the images with a customer-managed key. Changing
	// it replaces the repositories: choose before the first push. Default
	// empty: AES-256 with ECR's own key.
	KMSKeyARN string
}

func encryption(key string) *[]*ecrrepository.EcrRepositoryEncryptionConfiguration {
	if key == "" {
		return &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{EncryptionType: jsii.String("AES256")}}
	}
	return &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{EncryptionType: jsii.String("KMS"), KmsKey: jsii.String(key)}}
}

// Registry is the set of ECR repositories.
type Registry struct {
	constructs.Construct
	// Repositories by app name.
	Repositories map[string]ecrrepository.EcrRepository
}

// New creates one repository per app under scope.
func New(scope constructs.Construct, id string, props Props) (*Registry, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &Registry{Construct: c, Repositories: map[string]ecrrepository.EcrRepository{}}
	mutability := "IMMUTABLE"
	if props.MutableTags {
		mutability = "MUTABLE"
	}
	policy := lifecyclePolicy(props.KeepTaggedImages, props.UntaggedExpiryDays)
	for _, repo := range props.Repositories {
		name := naming.AppRepository(props.Project, string(repo.Kind), repo.App).Value
		// Child id is the app name: stable as long as the app keeps its name.
		ecr := ecrrepository.NewEcrRepository(c, jsii.String(repo.App), &ecrrepository.EcrRepositoryConfig{
			Name:                       jsii.String(name),
			ImageTagMutability:         jsii.String(mutability),
			ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: jsii.Bool(true)},
			EncryptionConfiguration:    encryption(props.KMSKeyARN),
			ForceDelete:                jsii.Bool(props.ForceDelete),
			Tags:                       &map[string]*string{"app": jsii.String(repo.App)},
		})
		ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, jsii.String(repo.App+"-lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
			Repository: ecr.Name(),
			Policy:     jsii.String(policy),
		})
		r.Repositories[repo.App] = ecr
	}
	return r, nil
}

// URL is the repository URL token of an app (nil for an unknown app).
func (r *Registry) URL(app string) *string {
	if repo, ok := r.Repositories[app]; ok {
		return repo.RepositoryUrl()
	}
	return nil
}

// URLs maps app name to repository URL token.
func (r *Registry) URLs() map[string]*string {
	out := map[string]*string{}
	for app, repo := range r.Repositories {
		out[app] = repo.RepositoryUrl()
	}
	return out
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Min("KeepTaggedImages", p.KeepTaggedImages, 1)
	check.Min("UntaggedExpiryDays", p.UntaggedExpiryDays, 1)
	seen := map[string]bool{}
	for i, repo := range p.Repositories {
		if repo.App == "" || seen[repo.App] {
			check.Add(fmt.Sprintf("Repositories[%d].App", i), repo.App, "must be set and unique")
		}
		seen[repo.App] = true
		propcheck.OneOf(check, fmt.Sprintf("Repositories[%d].Kind", i), repo.Kind, "api", "site", "model")
	}
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.KeepTaggedImages == 0 {
		p.KeepTaggedImages = DefaultKeepTaggedImages
	}
	if p.UntaggedExpiryDays == 0 {
		p.UntaggedExpiryDays = DefaultUntaggedExpiryDays
	}
}
