package clientsite

import (
	"path/filepath"
	"strconv"

	"github.com/homecloud-dev/fullstack/naming"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
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
	// HostPort and BindAddress publish the site. Required.
	HostPort    int
	BindAddress string
	// API serves /api/ on the site's origin (nginx proxies it to the
	// service's container, which starts first). Default nil: no API.
	API *restservice.Service
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
}

// Site is a site served by nginx on the home server.
type Site struct {
	constructs.Construct
	Image     *localimage.LocalImage
	Container container.Container
	// NginxConfig is the rendered server block.
	NginxConfig string
}

// New prepares the build context, builds and pushes the image to
// <registry>/site/<app>, and runs it.
func New(scope constructs.Construct, id string, props Props) (*Site, error) {
	check := propcheck.For(scope, id)
	check.Required("Project", props.Project)
	check.Required("App", props.App)
	if !filepath.IsAbs(props.Context.Dir) || props.Context.Hash == "" {
		check.Add("Context.Dir", props.Context.Dir, "must be a context prepared by clientsite.Prepare (absolute, hashed)")
	}
	check.Ref("Registry", props.Registry)
	check.Ref("Network", props.Network)
	check.OptionalRef("API", props.API)
	upstream := ""
	if props.API != nil {
		upstream = props.API.InternalURL
	}
	if props.Context.APIUpstream != upstream {
		check.Add("Context.APIUpstream", props.Context.APIUpstream, "must be the API's URL %q: prepare the context with it", upstream)
	}
	if err := check.Err(); err != nil {
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
	cfg := &container.ContainerConfig{
		Name:  jsii.String(naming.AppContainer(props.Project, props.App).Value),
		Image: img.Image.ImageId(),
		Ports: &[]*container.ContainerPorts{{
			Internal: jsii.Number(ContainerPort), External: jsii.Number(float64(props.HostPort)), Ip: jsii.String(props.BindAddress),
		}},
		Healthcheck: &container.ContainerHealthcheck{
			Test:     jsii.Strings("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:"+strconv.Itoa(ContainerPort)+HealthPath),
			Interval: jsii.String("10s"), Timeout: jsii.String("5s"), Retries: jsii.Number(3), StartPeriod: jsii.String("5s"),
		},
		Wait:                jsii.Bool(true),
		WaitTimeout:         jsii.Number(60),
		DestroyGraceSeconds: jsii.Number(10),
	}
	if props.API != nil {
		cfg.DependsOn = &[]cdktf.ITerraformDependable{props.API.Container}
	}
	return &Site{Construct: c, Image: img, NginxConfig: props.Context.NginxConfig, Container: dockercontainer.New(c, "container", cfg, dockercontainer.Shared{
		Network: props.Network, Aliases: []string{props.App}, Options: props.WithLabel(localimage.SourceHashLabel, hash),
	})}, nil
}
