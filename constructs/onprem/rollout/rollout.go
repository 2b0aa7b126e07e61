package rollout

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
	"github.com/homecloud-dev/fullstack/homerules"
	"github.com/homecloud-dev/fullstack/naming"
)

// Props configures one app's rollout.
type Props struct {
	// Project and App name the containers (<project>-<app>-<revision>).
	// Required.
	Project, App string
	// Config is the container's own settings (image, env, uploads,
	// dependencies); Name, health check timings, Wait, grace and the
	// lifecycle are set here. Required.
	Config *container.ContainerConfig
	// HealthCheckCommand is Docker's check in exec form. Required.
	HealthCheckCommand []string
	// Health is the check and timings, the same as on AWS. Required
	// (healthspec.For).
	Health healthspec.Spec
	// Port the container serves on. Required.
	Port int
	// Proxy routes the app; it must have a route named App. Required.
	Proxy *frontproxy.Proxy
	// Shared is the skeleton every long-running container has.
	Shared dockercontainer.Shared
	// MemoryMiB limits the container, without swap (as on Fargate), at
	// least MinMemoryMiB. Default DefaultMemoryMiB.
	MemoryMiB int
	// WritablePaths are the only paths the container may write (tmpfs on
	// a read-only root, as its ECS task's). Default
	// dockercontainer.DefaultWritablePaths.
	WritablePaths []string
}

// DefaultMemoryMiB is an app container's limit when Props leaves it 0:
// the project file's default size.
const DefaultMemoryMiB = homerules.DefaultMemoryMiB

// MinMemoryMiB is the smallest limit Docker accepts.
const MinMemoryMiB = dockercontainer.MinMemoryMiB

// Rollout is an app's container and the gate that routes to it.
type Rollout struct {
	constructs.Construct
	// Revision changes whenever the container must be replaced; its id
	// names the container, so old and new can run side by side.
	Revision  cdktf.TerraformResource
	Container container.Container
	// Gate waits for the new container's health, then switches the route.
	Gate cdktf.TerraformResource
}

// Script is the gate's shell script.
//
//go:embed scripts/rollout.sh
var Script string

// New creates the container and its gate.
func New(scope constructs.Construct, id string, props Props) (*Rollout, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &Rollout{Construct: c}
	cfg := props.Config
	dockercontainer.LimitMemory(cfg, props.MemoryMiB)
	h := props.Health
	cfg.Healthcheck = &container.ContainerHealthcheck{
		Test:     jsii.Strings(props.HealthCheckCommand...),
		Interval: jsii.String(healthspec.Docker(h.Interval)), Timeout: jsii.String(healthspec.Docker(h.Timeout)),
		Retries: jsii.Number(float64(h.UnhealthyThreshold)), StartPeriod: jsii.String(healthspec.Docker(h.StartPeriod)),
	}
	// The gate waits, not the provider: a failed provider wait would
	// leave the unhealthy container running and tainted.
	cfg.Wait = jsii.Bool(false)
	cfg.DestroyGraceSeconds = jsii.Number(float64(healthspec.Seconds(h.Drain)))
	// As on ECS (ecscluster.Hardening): an app needs no capability and
	// writes only to its writable paths. An image that needs more fails
	// here as it would on Fargate.
	if cfg.Capabilities == nil {
		cfg.Capabilities = dockercontainer.OnlyCapabilities()
	}
	dockercontainer.ReadOnlyRoot(cfg, props.WritablePaths, dockercontainer.Files{
		Scope: c, ID: "files", Prefix: props.Project + "-" + props.App, Labels: props.Shared.Labels,
	})
	shared := props.Shared
	shared.Options = shared.WithLabel(naming.AppLabel, props.App)
	dockercontainer.Complete(cfg, shared)
	// Every setting renews the revision (the port too, which the gate
	// uses), so a replacement gets a new name and starts before the old
	// one stops.
	triggers := dockercontainer.Triggers(cfg)
	triggers["Port"] = props.Port
	r.Revision, cfg.Name = dockercontainer.AddRevision(c, "revision", props.Project+"-"+props.App, triggers)
	cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)}
	r.Container = container.NewContainer(c, jsii.String("container"), cfg)
	var after []cdktf.ITerraformDependable
	if props.Proxy.Ready != nil {
		// The proxy's ready step, not its container: Terraform would extend
		// create-before-destroy to the container (a fixed name and ports).
		after = append(after, props.Proxy.Ready)
	}
	r.Gate = cdktf.NewTerraformResource(c, jsii.String("gate"), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		DependsOn:             &after,
		Lifecycle:             &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
		Provisioners: &[]interface{}{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("/bin/sh", "-c"),
			// Terraform would read the shell's ${...} as its own templates.
			Command: jsii.String(strings.ReplaceAll(Script, "${", "$${")),
			Environment: &map[string]*string{
				"DOCKER_HOST":   jsii.String(props.Proxy.DockerHost()),
				"APP":           jsii.String(props.App),
				"CONTAINER":     r.Container.Name(),
				"PORT":          jsii.String(strconv.Itoa(props.Port)),
				"PROXY":         jsii.String(props.Proxy.Name()),
				"ROUTES":        jsii.String(frontproxy.RoutesDir),
				"HOSTS":         jsii.String(strings.Join(props.Proxy.Hosts(props.App), " ")),
				"HEALTH_PATH":   jsii.String(h.Path),
				"HEALTH_CHECK":  jsii.String(strings.Join(props.HealthCheckCommand, " ")),
				"HEALTHY":       jsii.String(strconv.Itoa(h.HealthyThreshold)),
				"CHECK_TIMEOUT": jsii.String(strconv.Itoa(healthspec.Seconds(h.Timeout))),
				"TIMEOUT":       jsii.String(strconv.Itoa(healthspec.Seconds(h.RolloutTimeout()))),
				"DRAIN":         jsii.String(strconv.Itoa(healthspec.Seconds(h.Drain))),
				"SWITCH_ROUTE":  tfstring.Literal(frontproxy.SwitchRouteScript),
				"PROJECT":       jsii.String(props.Project),
				"ALERTMANAGER":  jsii.String(props.Shared.Alertmanager),
			},
		}},
	})
	r.Gate.AddOverride(jsii.String("triggers_replace"), []interface{}{r.Container.Id()})
	return r, nil
}

// CheckHealthCheckCommand checks a HealthCheckCommand prop that is passed
// on to Props: Docker's exec form. Like CheckMemory, constructs call it
// before they add anything, so a bad prop leaves no half-built construct.
func CheckHealthCheckCommand(check *propcheck.Errors, command []string) {
	if len(command) < 2 {
		check.Add("HealthCheckCommand", command, `is required ("CMD", ... or "CMD-SHELL", "...")`)
	}
}

// CheckMemory checks a MemoryMiB prop that is passed on to Props: 0 (the
// default) or at least MinMemoryMiB.
func CheckMemory(check *propcheck.Errors, memoryMiB int) {
	dockercontainer.CheckMemory(check, memoryMiB, DefaultMemoryMiB)
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	check.Missing("Config", p.Config == nil)
	frontproxy.CheckRoute(check, p.Proxy, p.App)
	CheckHealthCheckCommand(check, p.HealthCheckCommand)
	if !strings.HasPrefix(p.Health.Path, "/") || p.Health.Interval <= 0 || p.Health.HealthyThreshold < 1 || p.Health.UnhealthyThreshold < 1 {
		check.Add("Health", p.Health, "must be a complete healthspec.Spec (healthspec.For(path))")
	}
	check.Port("Port", p.Port)
	CheckMemory(check, p.MemoryMiB)
	dockercontainer.CheckWritablePaths(check, "WritablePaths", p.WritablePaths, p.Config)
	check.Claim("container", p.Project+"-"+p.App)
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.MemoryMiB == 0 {
		p.MemoryMiB = DefaultMemoryMiB
	}
	if p.WritablePaths == nil {
		p.WritablePaths = slices.Clone(dockercontainer.DefaultWritablePaths)
	}
}
