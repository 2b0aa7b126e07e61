package dockercontainer

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// DefaultDockerHost is the local engine's socket.
const DefaultDockerHost = "unix:///var/run/docker.sock"

// readyScript polls Docker until the container is healthy.
const readyScript = `set -eu
end=$(( $(date +%s) + TIMEOUT ))
until [ "$(docker -H "$DOCKER_HOST" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$CONTAINER" 2>/dev/null)" = healthy ]; do
  if [ "$(date +%s)" -ge "$end" ]; then
    echo "$CONTAINER did not become healthy within $TIMEOUT s" >&2
    exit 1
  fi
  sleep 1
done`

// NewReady is a step that waits, during the first apply, until the
// container called name is healthy, by asking Docker: resources that need
// the container running depend on it instead of on the container. A
// dependency on a container would make Terraform replace that container
// create-before-destroy whenever an app rollout (which is
// create-before-destroy) depends on it, and a platform container with a
// fixed name and host port cannot run twice.
func NewReady(scope constructs.Construct, id, dockerHost, name string, timeoutSeconds int) cdktf.TerraformResource {
	if dockerHost == "" {
		dockerHost = DefaultDockerHost
	}
	return cdktf.NewTerraformResource(scope, jsii.String(id), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		Provisioners: &[]interface{}{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("/bin/sh", "-c"),
			Command:     jsii.String(readyScript),
			Environment: &map[string]*string{
				"DOCKER_HOST": jsii.String(dockerHost), "CONTAINER": jsii.String(name), "TIMEOUT": jsii.String(strconv.Itoa(timeoutSeconds)),
			},
		}},
	})
}
