package clientsite

import (
	"path/filepath"
	"strconv"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the on-prem site.
type Props struct {
	// Project and App name the container. Required.
	Project, App string
	// Context is the image's build context, prepared before synthesis
	// (Prepare). Required.
	Context Context
	// Registry and Network are the platform's. Required.
	Registry *registry.Registry
	Network  *dockernetwork.Network
	// Proxy publishes the site (its host port) and routes to the
	// container that passed its health check; it must have a route named
	// App. Required.
	Proxy *frontproxy.Proxy
	// API serves /api/ on the site's origin (nginx proxies it through the
	// front proxy to the service, which starts first). Default nil: no API.
	API *restservice.Service
	// MemoryMiB limits the nginx container, without swap. Default
	// rollout.DefaultMemoryMiB.
	MemoryMiB int
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
}

// Site is a site served by nginx on the home server.
type Site struct {
	constructs.Construct
	Image *localimage.LocalImage
	// Rollout is the container, its revision and its health gate.
	Rollout   *rollout.Rollout
	Container container.Container
	// NginxConfig is the rendered server block.
	NginxConfig string
}

// New prepares the build context, builds and pushes the image to
// <registry>/site/<app>, and runs it.
func New(scope constructs.Construct, id string, props Props) (*Site, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	hash := props.Context.Hash
	c := constructs.NewConstruct(scope, jsii.String(id))
	img, err := localimage.New(c, "image", localimage.Props{
		Registry: props.Registry, Namespace: registry.Site, App: props.App, ContextDir: props.Context.Dir, Hash: hash,
	})
	if err != nil {
		return nil, err
	}
	cfg := &container.ContainerConfig{Image: img.Image.ImageId()}
	if props.API != nil {
		cfg.DependsOn = &[]cdktf.ITerraformDependable{props.API.Rollout.Gate}
	}
	r, err := rollout.New(c, "rollout", rollout.Props{
		Project: props.Project, App: props.App, Config: cfg, Port: ContainerPort, Proxy: props.Proxy,
		HealthCheckCommand: []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + strconv.Itoa(ContainerPort) + HealthPath},
		Health:             healthspec.For(HealthPath),
		MemoryMiB:          props.MemoryMiB,
		Shared:             dockercontainer.Shared{Network: props.Network, Options: props.WithLabel(localimage.SourceHashLabel, hash)},
	})
	if err != nil {
		return nil, err
	}
	return &Site{Construct: c, Image: img, NginxConfig: props.Context.NginxConfig, Rollout: r, Container: r.Container}, nil
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	if !filepath.IsAbs(p.Context.Dir) || p.Context.Hash == "" {
		check.Add("Context.Dir", p.Context.Dir, "must be a context prepared by clientsite.Prepare (absolute, hashed)")
	}
	check.Ref("Registry", p.Registry)
	check.Ref("Network", p.Network)
	frontproxy.CheckRoute(check, p.Proxy, p.App)
	check.OptionalRef("API", p.API)
	rollout.CheckMemory(check, p.MemoryMiB)
	p.checkUpstream(check)
	return check.Err()
}

// checkUpstream: the context's /api/ must go to the site's API, said in
// apps, not proxy ports.
func (p Props) checkUpstream(check *propcheck.Errors) {
	var want Upstream
	if p.API != nil {
		want = Upstream{URL: p.API.InternalURL, Host: p.API.InternalHost}
	}
	got := p.Context.API
	if got == want {
		return
	}
	const fix = "prepare the context with clientsite.Upstream{URL: api.InternalURL, Host: api.InternalHost} of the API service"
	sendsTo := got.URL
	if p.Proxy != nil {
		if name, ok := p.Proxy.RouteAt(got.URL, got.Host); ok {
			sendsTo = "app " + name
		}
	}
	switch {
	case p.API == nil:
		check.Add("Context.API", sendsTo, "the context sends /api/ there, but the site has no API: set API, or prepare the context with clientsite.Upstream{}")
	case got.URL == "":
		check.Add("Context.API", "(none)", "the site's API is app %q, but its context sends /api/ nowhere: %s", p.API.App, fix)
	default:
		check.Add("Context.API", sendsTo, "the context sends /api/ there, but the site's API is app %q: %s", p.API.App, fix)
	}
}
