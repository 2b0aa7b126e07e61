package registry

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// ReferenceProps name a registry that another stack runs (staging's, for
// a preview) and the repositories this stack pushes to in it.
type ReferenceProps struct {
	// Address is where the registry is published (Address). Required.
	Address string
	// TLS is true when the registry speaks HTTPS. Default false.
	TLS bool
	// RepositoryPrefix goes before <namespace>/<app> in every image this
	// stack pushes (e.g. "pr-42"), so its images have repositories of
	// their own. Required.
	RepositoryPrefix string
}

var repositoryPrefix = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)

// NewReference is a registry this stack pushes to but does not run.
// Images pushed through it are removed from the registry and the engine
// when the stack is destroyed: they belong to this stack alone.
func NewReference(scope constructs.Construct, id string, props ReferenceProps) (*Registry, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	r := &Registry{Construct: constructs.NewConstruct(scope, jsii.String(id)), address: props.Address, scheme: "http", prefix: props.RepositoryPrefix + "/"}
	if props.TLS {
		r.scheme = "https"
	}
	return r, nil
}

// Repository is <prefix><namespace>/<app>: an image's path in the
// registry.
func (r *Registry) Repository(ns Namespace, app string) string {
	return r.prefix + string(ns) + "/" + app
}

// OwnsImages is true when the images pushed through r belong to this
// stack (NewReference): destroying it removes them.
func (r *Registry) OwnsImages() bool { return r.prefix != "" }

// validate reports every problem of the props at once.
func (p ReferenceProps) validate(check *propcheck.Errors) error {
	check.Required("Address", p.Address)
	if !repositoryPrefix.MatchString(p.RepositoryPrefix) {
		check.Add("RepositoryPrefix", p.RepositoryPrefix, "must be one repository path component (lowercase letters, digits, single separators)")
	}
	return check.Err()
}
