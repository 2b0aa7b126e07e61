package stacks

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/naming"
)

// Output names cmd/fullstack/preview reads.
const (
	PreviewURLOutput  = "preview_url"
	PreviewURLsOutput = "preview_urls"
)

// PreviewLabel marks a preview's containers with its pull request number.
const PreviewLabel = "fullstack.preview"

// PreviewStackName is preview n's stack: `cdktf deploy preview-<n>`.
func PreviewStackName(n int) string { return "preview-" + strconv.Itoa(n) }

// Preview is a pull request's copy of the on-prem apps on the home
// server, beside staging: its own containers (<project>-pr-<n>-<app>-…),
// databases and roles (<app>_pr_<n>, in staging's PostgreSQL server), and
// images (repositories pr-<n>/<kind>/<app> in staging's registry), routed
// by host name through staging's front proxy. It manages nothing of the
// platform: the registry, PostgreSQL, the proxy and the platform network
// are staging's and are only referred to, so a preview's deploy or
// teardown never changes them.
type Preview struct {
	cdktf.TerraformStack
	// Number is the pull request's.
	Number    int
	Databases map[string]*appdatabase.Database
	Services  map[string]*restservice.Service
	Sites     map[string]*clientsite.Site
	// URLs are where each app answers, by app.
	URLs map[string]string
	// URL is the preview's front: its first site, else its first app.
	URL string
}

// NewPreview builds pull request opts.Preview's preview stack from a
// normalized project. Staging (the onprem stack) must be deployed first:
// the plan reads its platform network.
func NewPreview(scope constructs.Construct, p *config.Project, opts Options) (*Preview, error) {
	n := opts.Preview
	if err := config.CheckPreviewNumber(n); err != nil {
		return nil, err
	}
	if len(p.Apps) == 0 {
		return nil, fmt.Errorf("preview %d: the project has no apps to preview", n)
	}
	o := p.OnPrem
	env := naming.PreviewEnvironment(n)
	name := naming.PreviewProject(p.Name, n)
	hosts := previewHosts(p, n)
	in, err := readOnPremInputs(p, opts, onPremEnv{
		name: name, databaseSuffix: naming.PreviewDatabaseSuffix(n),
		apiUpstream: func(api string) clientsite.Upstream {
			return clientsite.Upstream{URL: frontproxy.PreviewURL(p.Name), Host: hosts[api][0]}
		},
	})
	if err != nil {
		return nil, err
	}
	id := PreviewStackName(n)
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	stateDir, err := o.PreviewDirectory(opts.StateDir, n)
	if err != nil {
		return nil, err
	}
	localBackend(stack, id, stateDir)
	pg, err := postgresProvider(stack, o)
	if err != nil {
		return nil, err
	}
	net, err := dockernetwork.Lookup(stack, "platform-network", o.Network.Name)
	if err != nil {
		return nil, err
	}
	reg, err := registry.NewReference(stack, "registry", registry.ReferenceProps{
		Address: registry.Address(o.Registry.BindAddress, o.Registry.Port), TLS: o.Registry.TLS.Enabled(), RepositoryPrefix: env,
	})
	if err != nil {
		return nil, err
	}
	if err := dockerProvider(stack, o, reg); err != nil {
		return nil, err
	}
	cluster, err := postgrescluster.NewReference(stack, "postgres", postgrescluster.Connection{
		Host: o.Postgres.Host, Port: o.Postgres.Port,
		InternalHost: postgrescluster.ContainerName(p.Name), InternalPort: postgrescluster.ContainerPort,
		AdminUser: o.Postgres.AdminUser, AdminPassword: pg.Password.StringValue(),
	})
	if err != nil {
		return nil, err
	}
	proxy, err := frontproxy.NewReference(stack, "front-proxy", frontproxy.ReferenceProps{Project: p.Name, DockerHost: o.DockerHost, Hosts: hosts})
	if err != nil {
		return nil, err
	}
	options := containerOptions(p)
	options.Labels = tags(p.Name, env)
	options = options.WithLabel(PreviewLabel, strconv.Itoa(n))
	options.CPUShares = o.Previews.CPUShares
	apps := onPremApps{stack: stack, p: p, in: in, name: name, options: options, registry: reg, network: net, proxy: proxy,
		connectionLimit: o.Previews.ConnectionLimit}
	databases, _, err := apps.newDatabases(cluster)
	if err != nil {
		return nil, err
	}
	services, err := apps.newServices(databases)
	if err != nil {
		return nil, err
	}
	sites, err := apps.newSites(services)
	if err != nil {
		return nil, err
	}
	pv := &Preview{TerraformStack: stack, Number: n, Databases: databases, Services: services, Sites: sites, URLs: map[string]string{}}
	for app, hs := range hosts {
		pv.URLs[app] = previewURL(o, hs[0])
	}
	pv.URL = previewURL(o, naming.PreviewHost(o.Previews.Domain, n, ""))
	output(stack, PreviewURLOutput, pv.URL, "Where the preview answers: its first site, else its first app.")
	output(stack, PreviewURLsOutput, pv.URLs, "Where each app of the preview answers.")
	return pv, nil
}

// previewHosts are the host names of preview n's apps: <app>.pr-<n>.<domain>,
// and pr-<n>.<domain> for its front (first site, else first app).
func previewHosts(p *config.Project, n int) map[string][]string {
	domain := p.OnPrem.Previews.Domain
	front := p.Apps[0].Name
	if sites := siteApps(p.Apps); len(sites) > 0 {
		front = sites[0].Name
	}
	hosts := map[string][]string{}
	for _, a := range p.Apps {
		hosts[a.Name] = []string{naming.PreviewHost(domain, n, a.Name)}
		if a.Name == front {
			hosts[a.Name] = append(hosts[a.Name], naming.PreviewHost(domain, n, ""))
		}
	}
	return hosts
}

// previewURL is host on the previews' port.
func previewURL(o config.OnPrem, host string) string {
	return "http://" + host + ":" + strconv.Itoa(o.Previews.Port)
}
