package dockercontainer

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/homerules"
)

// DefaultDockerHost is the local engine's socket.
const DefaultDockerHost = homerules.DefaultDockerHost

// ConfigLabel carries the hash of a platform container's settings, so
// its ready step can tell the container it waits for from the one it
// replaces.
const ConfigLabel = "fullstack.config-hash"

// readyScript polls Docker until the container called CONTAINER runs with
// settings CONFIG and is healthy.
const readyScript = `set -eu
end=$(( $(date +%s) + TIMEOUT ))
until [ "$(docker -H "$DOCKER_HOST" inspect --format '{{index .Config.Labels "` + ConfigLabel + `"}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$CONTAINER" 2>/dev/null)" = "$CONFIG healthy" ]; do
  if [ "$(date +%s)" -ge "$end" ]; then
    echo "$CONTAINER did not become healthy with its new settings within $TIMEOUT s" >&2
    exit 1
  fi
  sleep 1
done`

// newWithReady creates a platform container (a fixed name, often a host
// port: it is replaced in place) from cfg completed with shared, and a
// step that waits until it is healthy: in the first apply, and again in
// every apply that replaces it. Resources that need the container running
// (pushes, roles, rollouts) depend on the step instead of the container:
// a dependency on a container would make Terraform replace that container
// create-before-destroy whenever an app rollout (which is
// create-before-destroy) depends on it, and a container with a fixed name
// and host port cannot run twice. The step renews with a hash of every
// setting (Triggers), which the container carries as ConfigLabel, so it
// waits for the new container, not the old one still running.
func newWithReady(scope constructs.Construct, id string, cfg *container.ContainerConfig, shared Shared, dockerHost string, timeoutSeconds int) (container.Container, cdktf.TerraformResource) {
	Complete(cfg, shared)
	// The settings are held as JSON by a terraform_data and hashed through
	// its output (an inline jsonencode of them would have to quote every
	// uploaded file as an HCL string). A hash of a secret (an uploaded
	// password) reveals nothing of it; marked sensitive, it would silence
	// the step's messages.
	settings := cdktf.NewTerraformResource(scope, jsii.String(id+"-settings"), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
	})
	settings.AddOverride(jsii.String("input"), Triggers(cfg))
	config := jsii.String("${nonsensitive(sha256(jsonencode(terraform_data." + *settings.FriendlyUniqueId() + ".output)))}")
	cfg.Labels = dockerlabels.Container(shared.WithLabel(ConfigLabel, *config).Labels)
	c := container.NewContainer(scope, jsii.String(id), cfg)
	ready := cdktf.NewTerraformResource(scope, jsii.String(id+"-ready"), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		Provisioners: &[]interface{}{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("/bin/sh", "-c"),
			Command:     jsii.String(readyScript),
			Environment: &map[string]*string{
				"DOCKER_HOST": jsii.String(dockerHost), "CONTAINER": cfg.Name, "CONFIG": config,
				"TIMEOUT": jsii.String(strconv.Itoa(timeoutSeconds)),
			},
		}},
	})
	ready.AddOverride(jsii.String("triggers_replace"), []interface{}{config})
	return c, ready
}
