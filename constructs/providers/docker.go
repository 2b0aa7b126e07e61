package providers

import (
	"github.com/aws/jsii-runtime-go"
	dockerprovider "github.com/cdktf/cdktf-provider-docker-go/docker/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// NewDocker adds the docker provider for the Docker daemon at host
// (e.g. "unix:///var/run/docker.sock" or "ssh://deploy@homeserver").
func NewDocker(stack cdktf.TerraformStack, id, host string) dockerprovider.DockerProvider {
	p := dockerprovider.NewDockerProvider(stack, jsii.String(id), &dockerprovider.DockerProviderConfig{
		Host: jsii.String(host),
	})
	relaxVersion(stack, "docker", DockerVersion)
	return p
}
