// Package dockerprovider configures the docker provider of an on-prem
// stack: the Docker host and the registries it may push to.
package dockerprovider

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	dockerprovider "github.com/cdktf/cdktf-provider-docker-go/docker/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// Version is the range of kreuzwerker/docker versions accepted.
const Version = "~> 3.0"

// Props configures the docker provider.
type Props struct {
	// Host is the Docker daemon, e.g. "unix:///var/run/docker.sock" or
	// "ssh://deploy@homeserver". Required.
	Host string
	// Registries the provider pushes to. The provider refuses to push to a
	// registry it has no entry for. Default none.
	Registries []RegistryAuth
}

// RegistryAuth is how the provider authenticates to one registry.
type RegistryAuth struct {
	// Address with its scheme: "http://127.0.0.1:5000" for a plain-HTTP
	// registry (without the scheme the provider speaks HTTPS). Required.
	Address string
	// Username and Password (tokens of sensitive variables). Default nil:
	// the registry needs no authentication.
	Username, Password *string
}

// New adds the docker provider.
func New(stack cdktf.TerraformStack, id string, props Props) (dockerprovider.DockerProvider, error) {
	if err := props.validate(propcheck.For(stack, id)); err != nil {
		return nil, err
	}
	auths := make([]*dockerprovider.DockerProviderRegistryAuth, 0, len(props.Registries))
	for _, r := range props.Registries {
		a := &dockerprovider.DockerProviderRegistryAuth{Address: jsii.String(r.Address)}
		if r.Username == nil {
			a.AuthDisabled = jsii.Bool(true)
		} else {
			a.Username, a.Password = r.Username, r.Password
		}
		auths = append(auths, a)
	}
	cfg := &dockerprovider.DockerProviderConfig{Host: jsii.String(props.Host)}
	if len(auths) > 0 {
		cfg.RegistryAuth = &auths
	}
	p := dockerprovider.NewDockerProvider(stack, jsii.String(id), cfg)
	providers.RelaxVersion(stack, "docker", Version)
	return p, nil
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Host", p.Host)
	for i, r := range p.Registries {
		check.Required(fmt.Sprintf("Registries[%d].Address", i), r.Address)
	}
	return check.Err()
}
