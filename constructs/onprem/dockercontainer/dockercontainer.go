// Package dockercontainer is the skeleton every long-running on-prem
// container shares, written once: restarted unless stopped, joined to the
// platform network under its aliases, json-file logs rotated, labelled.
// Each construct adds only what is its own (image, ports, health check,
// uploads).
package dockercontainer

import (
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

// New creates a long-running container from cfg, the construct's own
// settings, completed with the shared skeleton.
func New(scope constructs.Construct, id string, cfg *container.ContainerConfig, shared Shared) container.Container {
	Complete(cfg, shared)
	return container.NewContainer(scope, jsii.String(id), cfg)
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
