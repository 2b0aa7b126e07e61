// Package dockercontainer is the skeleton every long-running on-prem
// container shares, written once: restarted unless stopped, joined to the
// platform network under its aliases, json-file logs rotated, labelled.
// Each construct adds only what is its own (image, ports, health check,
// uploads).
package dockercontainer

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/homecloud-dev/fullstack/pinned"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
)

// NginxImage is the unprivileged official nginx image the sites and the
// front proxy run on (uid 101, port 8080, wget for health checks).
const NginxImage = pinned.Nginx

// Options are the container settings every on-prem construct takes in its
// props (embedded), the same for all of a stack's containers.
type Options struct {
	// LogMaxSize and LogMaxFiles rotate the json-file logs. Defaults
	// DefaultLogMaxSize and DefaultLogMaxFiles.
	LogMaxSize  string
	LogMaxFiles int
	// Labels go on the containers (and the construct's volumes). Default
	// none.
	Labels map[string]string
	// Alertmanager is the container (on the same engine) that rollouts and
	// previews tell when they fail. Default none: a failure is only the
	// deploy's error.
	Alertmanager string
	// CPUShares weighs the containers' CPU against others' when the CPUs
	// are busy (Docker's cpu_shares; the docker provider has no hard CPU
	// limit). Default 0: Docker's 1024.
	CPUShares int
}

// WithLabel is o with one more label on its containers.
func (o Options) WithLabel(key, value string) Options {
	labels := map[string]string{key: value}
	for k, v := range o.Labels {
		labels[k] = v
	}
	o.Labels = labels
	return o
}

// Shared is what a construct passes for every container it runs.
type Shared struct {
	// Network is the platform network to join. Default nil: the container
	// keeps Docker's default networking (set NetworkMode to isolate it).
	Network *dockernetwork.Network
	// Aliases are the container's names on Network. Default none.
	Aliases []string
	// RootExec: the deploy runs commands in it as root (docker exec -u 0)
	// while the image runs as another user. no-new-privileges would leave
	// such a command without root's capabilities, so it is not set.
	// Default false.
	RootExec bool
	Options
}

// Props configures one long-running container.
type Props struct {
	// Config is the container's own settings (name, image, command,
	// mounts, health check). Required, with Name and Image.
	Config *container.ContainerConfig
	// Shared is what the construct passes for every container it runs.
	Shared
	// ReadyTimeoutSeconds, when set, adds a step that waits (this long at
	// most) until the container runs healthy with its settings: in the
	// first apply, and again in every apply that replaces it. It is for
	// platform containers (a fixed name, often a host port: replaced in
	// place). Resources that need the container running (pushes, roles,
	// rollouts) depend on the step instead of the container: a dependency
	// on a container would make Terraform replace that container
	// create-before-destroy whenever an app rollout (which is
	// create-before-destroy) depends on it, and a container with a fixed
	// name and host port cannot run twice. Default 0: no step.
	ReadyTimeoutSeconds int
	// DockerHost is the engine the ready step asks. Default
	// DefaultDockerHost.
	DockerHost string
}

// Container is the container and, with Props.ReadyTimeoutSeconds, its
// ready step.
type Container struct {
	container.Container
	// Ready waits during apply until the container is healthy with its
	// settings; nil without Props.ReadyTimeoutSeconds.
	Ready cdktf.TerraformResource
}

// New creates a long-running container from props.Config, completed with
// the shared skeleton (Complete).
func New(scope constructs.Construct, id string, props Props) (*Container, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	if props.ReadyTimeoutSeconds > 0 {
		c, ready := newWithReady(scope, id, props.Config, props.Shared, props.DockerHost, props.ReadyTimeoutSeconds)
		return &Container{Container: c, Ready: ready}, nil
	}
	Complete(props.Config, props.Shared)
	return &Container{Container: container.NewContainer(scope, jsii.String(id), props.Config)}, nil
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.DockerHost == "" {
		p.DockerHost = DefaultDockerHost
	}
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Missing("Config", p.Config == nil)
	if p.Config != nil {
		check.Missing("Config.Name", p.Config.Name == nil || *p.Config.Name == "")
		check.Missing("Config.Image", p.Config.Image == nil)
	}
	if p.ReadyTimeoutSeconds < 0 {
		check.Add("ReadyTimeoutSeconds", p.ReadyTimeoutSeconds, "must be positive, or 0 for no ready step")
	}
	return check.Err()
}

// NoNewPrivileges keeps a process from gaining privileges it was not
// started with (setuid binaries, file capabilities): every on-prem
// container runs with it.
const NoNewPrivileges = "no-new-privileges:true"

// Complete adds the shared skeleton to cfg: the restart policy, the
// network and its aliases, the rotated logs, the labels and
// NoNewPrivileges (unless RootExec).
func Complete(cfg *container.ContainerConfig, shared Shared) {
	cfg.Restart = jsii.String("unless-stopped")
	opts := []*string{jsii.String(NoNewPrivileges)}
	if shared.RootExec {
		opts = nil
	}
	if cfg.SecurityOpts != nil {
		for _, o := range *cfg.SecurityOpts {
			if *o != NoNewPrivileges {
				opts = append(opts, o)
			}
		}
	}
	cfg.SecurityOpts = &opts
	if shared.Network != nil {
		n := &container.ContainerNetworksAdvanced{Name: shared.Network.Name()}
		if len(shared.Aliases) > 0 {
			n.Aliases = jsii.Strings(shared.Aliases...)
		}
		cfg.NetworksAdvanced = &[]*container.ContainerNetworksAdvanced{n}
	}
	cfg.LogDriver = jsii.String(logDriver)
	cfg.LogOpts = logOptions(shared.LogMaxSize, shared.LogMaxFiles)
	cfg.Labels = dockerlabels.Container(shared.Labels)
	if shared.CPUShares > 0 {
		cfg.CpuShares = jsii.Number(float64(shared.CPUShares))
	}
}
