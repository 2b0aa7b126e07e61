package frontproxy

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// FirstListenPort is the proxy's port for its first route; route i
// listens on FirstListenPort+i (unprivileged: nginx runs as uid 101).
const FirstListenPort = 8100

// healthPort answers the proxy's own health check.
const healthPort = 8099

// PreviewListenPort is the proxy's port for every preview: one server that
// routes by host name (HostsDir).
const PreviewListenPort = 8098

// RoutesDir holds the route files in the proxy (a volume).
const RoutesDir = "/etc/nginx/routes"

// HostsDir holds the previews' host routes: one file per app of a
// preview, each a line `<host> "<container>:<port>";` of nginx's map from
// host name to backend.
const HostsDir = RoutesDir + "/hosts"

// Route is one app or site the proxy publishes.
type Route struct {
	// Name is the app's name (its route file). Required.
	Name string
	// HostPort is published on the props' BindAddress. Required.
	HostPort int
}

// Props configures the proxy.
type Props struct {
	// Project names the container (<project>-proxy) and volume. Required.
	Project string
	// Network is the platform network. Required.
	Network *dockernetwork.Network
	// BindAddress publishes every route's HostPort. Required.
	BindAddress string
	// Routes, in a stable order: route i listens on FirstListenPort+i.
	// Required (one at least).
	Routes []Route
	// DockerHost is the engine the rollouts switch routes on (the docker
	// provider's host). Required.
	DockerHost string
	// PreviewHostPort publishes the previews' server (routing by host name
	// to the preview containers, HostsDir) on BindAddress. Default 0: no
	// previews.
	PreviewHostPort int
	// Image is the nginx image. Default dockercontainer.NginxImage.
	Image string
	// Options are the log rotation and labels. Defaults: see
	// dockercontainer.Options.
	dockercontainer.Options
}

// Proxy is the front proxy.
type Proxy struct {
	constructs.Construct
	Image     image.Image
	Container container.Container
	// Routes keeps the route files across proxy and engine restarts.
	Routes volume.Volume
	// Ready waits until the proxy is healthy, again whenever its
	// configuration (and so its container) changes; rollouts depend on it
	// rather than on Container (dockercontainer.Props.ReadyTimeoutSeconds says why).
	Ready cdktf.TerraformResource
	// Config is the rendered nginx configuration.
	Config     string
	name       string
	dockerHost string
	listen     map[string]int
	// hosts are a preview's host names by app (NewReference).
	hosts map[string][]string
}

// New runs the proxy.
func New(scope constructs.Construct, id string, props Props) (*Proxy, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	p := &Proxy{Construct: c, name: ContainerName(props.Project), dockerHost: props.DockerHost, listen: map[string]int{}}
	var published []*container.ContainerPorts
	for i, r := range props.Routes {
		port := ListenPort(i)
		p.listen[r.Name] = port
		published = append(published, &container.ContainerPorts{
			Internal: jsii.Number(float64(port)), External: jsii.Number(float64(r.HostPort)), Ip: jsii.String(props.BindAddress),
		})
	}
	if props.PreviewHostPort != 0 {
		published = append(published, &container.ContainerPorts{
			Internal: jsii.Number(PreviewListenPort), External: jsii.Number(float64(props.PreviewHostPort)), Ip: jsii.String(props.BindAddress),
		})
	}
	p.Config = Config(props.Routes, props.PreviewHostPort != 0)
	p.Image = image.NewImage(c, jsii.String("image"), &image.ImageConfig{Name: jsii.String(props.Image), KeepLocally: jsii.Bool(true)})
	p.Routes = volume.NewVolume(c, jsii.String("routes"), &volume.VolumeConfig{
		Name: jsii.String(RoutesVolume(props.Project)), Labels: dockerlabels.Volume(props.Labels),
	})
	cfg := &container.ContainerConfig{
		Name:  jsii.String(p.name),
		Image: p.Image.ImageId(),
		Ports: &published,
		Upload: &[]*container.ContainerUpload{{
			File: jsii.String("/etc/nginx/conf.d/default.conf"), Content: jsii.String(p.Config),
		}},
		Volumes: &[]*container.ContainerVolumes{{VolumeName: p.Routes.Name(), ContainerPath: jsii.String(RoutesDir)}},
		Healthcheck: &container.ContainerHealthcheck{
			Test:     jsii.Strings("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:"+strconv.Itoa(healthPort)+"/"),
			Interval: jsii.String("5s"), Timeout: jsii.String("3s"), Retries: jsii.Number(3), StartPeriod: jsii.String("5s"),
		},
		Wait:        jsii.Bool(true),
		WaitTimeout: jsii.Number(60),
		// nginx finishes in-flight requests on SIGQUIT (the image's stop
		// signal).
		DestroyGraceSeconds: jsii.Number(30),
		Capabilities:        dockercontainer.OnlyCapabilities(switchCapabilities...),
	}
	dockercontainer.ReadOnlyRoot(cfg, dockercontainer.DefaultWritablePaths, dockercontainer.Files{Scope: c, ID: "container-files", Prefix: p.name, Labels: props.Labels})
	dockercontainer.LimitMemory(cfg, MemoryMiB)
	proxy, err := dockercontainer.New(c, "container", dockercontainer.Props{
		Config: cfg, Shared: dockercontainer.Shared{
			Network: props.Network, Options: props.Options,
			// The route switch runs as root and signals nginx's master.
			RootExec: true,
		},
		DockerHost: props.DockerHost, ReadyTimeoutSeconds: 120,
	})
	if err != nil {
		return nil, err
	}
	p.Container, p.Ready = proxy.Container, proxy.Ready
	return p, nil
}

// MemoryMiB limits the proxy's container.
const MemoryMiB = 128

// switchCapabilities are what the route switch needs as root (docker exec
// -u 0) in a container whose nginx runs as uid 101: writing the routes of
// another user (DAC_OVERRIDE, FOWNER, CHOWN), nginx -t setting up its
// temporary paths for that user (SETUID, SETGID), and signalling its
// master (KILL). nginx itself holds none of them.
var switchCapabilities = []string{"CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL", "SETGID", "SETUID"}

// ContainerName is the proxy's container name.
func ContainerName(project string) string { return project + "-proxy" }

// RoutesVolume is the name of the volume holding the route files (not
// data: rollouts write them again).
func RoutesVolume(project string) string { return ContainerName(project) + "-routes" }

// ListenPort is route i's port in the proxy.
func ListenPort(i int) int { return FirstListenPort + i }

// InternalURL is where other containers reach route i through the proxy
// (a site's /api/, for example): known before synthesis.
func InternalURL(project string, i int) string {
	return proxyURL(ContainerName(project), ListenPort(i))
}

// PreviewURL is where other containers reach the previews' server of
// project's proxy (with a preview host's Host header).
func PreviewURL(project string) string {
	return proxyURL(ContainerName(project), PreviewListenPort)
}

// URL is where other containers reach route name through the proxy ("" if
// it has no such route); a preview's app also needs its Host header
// (Hosts).
func (p *Proxy) URL(name string) string {
	if port, ok := p.Listens(name); ok {
		return proxyURL(p.name, port)
	}
	return ""
}

// Hosts are the host names app answers at in a preview (nil on staging's
// proxy, which routes by port).
func (p *Proxy) Hosts(app string) []string { return p.hosts[app] }

func proxyURL(container string, port int) string {
	return "http://" + container + ":" + strconv.Itoa(port)
}

// Name is the proxy's container name.
func (p *Proxy) Name() string { return p.name }

// DockerHost is the engine the proxy runs on.
func (p *Proxy) DockerHost() string { return p.dockerHost }

// Listens reports route name's port in the proxy.
func (p *Proxy) Listens(name string) (int, bool) {
	if len(p.hosts[name]) > 0 {
		return PreviewListenPort, true
	}
	port, ok := p.listen[name]
	return port, ok
}

// RouteAt names the route that url and host reach through this proxy
// (what Upstream a site was prepared with), so that errors can speak of
// apps instead of ports.
func (p *Proxy) RouteAt(url, host string) (string, bool) {
	for name := range p.listen {
		if p.URL(name) == url && (host == "" || slices.Contains(p.hosts[name], host)) {
			return name, true
		}
	}
	for name, hosts := range p.hosts {
		if p.URL(name) == url && slices.Contains(hosts, host) {
			return name, true
		}
	}
	return "", false
}

// Config is the nginx configuration for routes: one server per route,
// forwarding to the container its route file names (503 until a rollout
// wrote one), resolved through Docker's DNS at request time; with
// previews, one more server routing by host name (404 for a host no
// preview has).
func Config(routes []Route, previews bool) string {
	var b strings.Builder
	b.WriteString("# Generated by frontproxy: one server per route; " + RoutesDir + "/<name>.conf sets $backend.\n")
	b.WriteString("resolver 127.0.0.11 valid=1s ipv6=off;\n")
	fmt.Fprintf(&b, "server {\n    listen %d;\n    access_log off;\n    location / { return 200 \"ok\\n\"; }\n}\n", healthPort)
	for i, r := range routes {
		fmt.Fprintf(&b, `server {
    listen %d;
    server_tokens off;
    client_max_body_size 16m;
    set $backend "";
    include %s/%s.conf*;
%s}
`, ListenPort(i), RoutesDir, r.Name, forward("503", ""))
	}
	if previews {
		fmt.Fprintf(&b, `map $host $preview_backend {
    hostnames;
    default "";
    include %s/*.conf;
}
server {
    listen %d;
    server_tokens off;
    client_max_body_size 16m;
    set $backend $preview_backend;
%s}
`, HostsDir, PreviewListenPort, forward("404", `"no preview answers at $host\n"`))
	}
	return b.String()
}

// forward is a server's location: to $backend, or status (with body)
// while there is none.
func forward(status, body string) string {
	if body != "" {
		status += " " + body
	}
	return `    location / {
        if ($backend = "") {
            return ` + status + `;
        }
        proxy_pass http://$backend;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 60s;
    }
`
}

// ReferenceProps name the front proxy staging runs, for a preview's
// rollouts.
type ReferenceProps struct {
	// Project is staging's project name (its proxy is <project>-proxy).
	// Required.
	Project string
	// DockerHost is the engine the proxy runs on. Required.
	DockerHost string
	// Hosts are the host names of each of the preview's apps; every app
	// needs one at least. Required.
	Hosts map[string][]string
}

// NewReference is staging's proxy as a preview uses it: the preview's
// rollouts route its apps by host name (HostsDir) through the proxy's
// preview server, and nothing of the proxy itself is managed here.
func NewReference(scope constructs.Construct, id string, props ReferenceProps) (*Proxy, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	return &Proxy{
		Construct: constructs.NewConstruct(scope, jsii.String(id)), name: ContainerName(props.Project),
		dockerHost: props.DockerHost, listen: map[string]int{}, hosts: props.Hosts,
	}, nil
}

// CheckRoute records on check that proxy (field Proxy) is missing or has
// no route for app.
func CheckRoute(check *propcheck.Errors, proxy *Proxy, app string) {
	check.Ref("Proxy", proxy)
	if proxy == nil || app == "" {
		return
	}
	if _, ok := proxy.Listens(app); !ok {
		check.Add("Proxy", app, "has no route for this app: add frontproxy.Route{Name: App}")
	}
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.Image == "" {
		p.Image = dockercontainer.NginxImage
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Ref("Network", p.Network)
	check.Required("BindAddress", p.BindAddress)
	check.Required("DockerHost", p.DockerHost)
	if len(p.Routes) == 0 {
		check.Add("Routes", p.Routes, "needs at least one route")
	}
	names, ports := map[string]bool{}, map[int]bool{}
	for i, r := range p.Routes {
		if r.Name == "" || strings.ContainsAny(r.Name, " /;'\"$") {
			check.Add(fmt.Sprintf("Routes[%d].Name", i), r.Name, "must be an app name")
		}
		if names[r.Name] {
			check.Add(fmt.Sprintf("Routes[%d].Name", i), r.Name, "is routed twice")
		}
		if check.Port(fmt.Sprintf("Routes[%d].HostPort", i), r.HostPort) && ports[r.HostPort] {
			check.Add(fmt.Sprintf("Routes[%d].HostPort", i), r.HostPort, "is published twice")
		}
		names[r.Name], ports[r.HostPort] = true, true
	}
	if p.PreviewHostPort != 0 && check.Port("PreviewHostPort", p.PreviewHostPort) && ports[p.PreviewHostPort] {
		check.Add("PreviewHostPort", p.PreviewHostPort, "is published by a route too")
	}
	check.Claim("container", ContainerName(p.Project))
	return check.Err()
}

// SwitchRouteScript makes a route live only once nginx accepted it (run
// with sh -c inside the proxy as root; arguments: RoutesDir, the route
// file relative to it, its content).
//
//go:embed scripts/switch-route.sh
var SwitchRouteScript string

func (p ReferenceProps) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("DockerHost", p.DockerHost)
	if len(p.Hosts) == 0 {
		check.Add("Hosts", p.Hosts, "needs the host names of one app at least")
	}
	for app, hosts := range p.Hosts {
		for _, h := range hosts {
			if h == "" || strings.ContainsAny(h, " /;'\"$*") {
				check.Add("Hosts["+app+"]", h, "must be a host name")
			}
		}
		if len(hosts) == 0 {
			check.Add("Hosts["+app+"]", hosts, "needs one host name at least")
		}
	}
	return check.Err()
}
