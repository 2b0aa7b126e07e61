package main

import (
	"cmp"
	"os"
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// home is the home-server stack: the same apps as containers, each API
// with its role and database in one PostgreSQL cluster, routed by the
// front proxy.
func home(app cdktf.App, in *inputs) error {
	dockerHost := cmp.Or(os.Getenv("DOCKER_HOST"), dockercontainer.DefaultDockerHost)
	stack := cdktf.NewTerraformStack(app, jsii.String(project+"-home"))
	pg, err := postgresqlprovider.New(stack, "postgresql", postgresqlprovider.Props{
		Host: "127.0.0.1", Port: 5432, Username: postgrescluster.DefaultAdminUser, Version: "16",
	})
	if err != nil {
		return err
	}
	net, err := dockernetwork.New(stack, "network", dockernetwork.Props{Name: project})
	if err != nil {
		return err
	}
	reg, err := registry.New(stack, "registry", registry.Props{Project: project, Network: net, BindAddress: "127.0.0.1", Port: 5000, DockerHost: dockerHost})
	if err != nil {
		return err
	}
	if _, err := dockerprovider.New(stack, "docker", dockerprovider.Props{
		Host: dockerHost, Registries: []dockerprovider.RegistryAuth{{Address: reg.URL()}},
	}); err != nil {
		return err
	}
	cluster, err := postgrescluster.New(stack, "postgres", postgrescluster.Props{
		Project: project, Network: net, ImageTag: "16.6-bookworm", BindAddress: "127.0.0.1", Port: 5432,
		Password: pg.Password.StringValue(), DockerHost: dockerHost,
	})
	if err != nil {
		return err
	}
	proxy, err := frontproxy.New(stack, "proxy", frontproxy.Props{
		Project: project, Network: net, BindAddress: "127.0.0.1", DockerHost: dockerHost,
		Routes: []frontproxy.Route{{Name: "orders", HostPort: 8081}, {Name: "ranker", HostPort: 8082}, {Name: "web", HostPort: 8080}},
	})
	if err != nil {
		return err
	}
	services := map[string]*restservice.Service{}
	for _, a := range apis {
		password, err := providers.PasswordVariable(stack, a+"_password", "Password of the "+a+" app's database role")
		if err != nil {
			return err
		}
		db, err := appdatabase.New(stack, "database-"+a, appdatabase.Props{
			Spec: dbspec.Spec{Project: project, App: a, Migrations: in.migrations[a]}, Password: password.StringValue(),
			Cluster: cluster, Network: net,
		})
		if err != nil {
			return err
		}
		services[a], err = restservice.New(stack, "service-"+a, restservice.Props{
			Project: project, App: a, Kind: registry.API, SourceDir: in.sources[a], SourceHash: in.hashes[a],
			Registry: reg, Network: net, Database: db, Port: 8080, Proxy: proxy,
			HealthCheckCommand: []string{"CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1"},
		})
		if err != nil {
			return err
		}
	}
	// The site's nginx sends /api/ through the proxy to orders.
	api := services["orders"]
	context, err := clientsite.Prepare(filepath.Join(os.TempDir(), project+"-site-context"), in.site, clientsite.Upstream{URL: api.InternalURL, Host: api.InternalHost})
	if err != nil {
		return err
	}
	_, err = clientsite.New(stack, "site", clientsite.Props{
		Project: project, App: "web", Context: context, Registry: reg, Network: net, Proxy: proxy, API: api,
	})
	return err
}
