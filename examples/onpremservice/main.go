// Command onpremservice is a home-server program built from the library's
// on-prem constructs alone: a local registry, a PostgreSQL cluster, an
// app database with its Flyway migrations and a REST service built from
// ./api, all on one Docker network. It links no AWS provider bindings.
//
//	export TF_VAR_postgres_password=... TF_VAR_app_password=...
//	go run . && terraform -chdir=cdktf.out/stacks/home init && terraform -chdir=cdktf.out/stacks/home apply
//
// CDKTF_OUTDIR overrides the output folder; DOCKER_HOST the Docker daemon.
package main

import (
	"cmp"
	"os"
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/providers"
	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/examples/internal/program"
)

const (
	project = "home"
	app     = "notes"
)

func main() { program.Run("onpremservice", newStack) }

func newStack(scope cdktf.App) error {
	// I/O first: the app's source is hashed once, before any construct runs.
	source, err := filepath.Abs("api")
	if err != nil {
		return err
	}
	hash, err := contenthash.Dir(source)
	if err != nil {
		return err
	}
	dockerHost := cmp.Or(os.Getenv("DOCKER_HOST"), dockercontainer.DefaultDockerHost)

	stack := cdktf.NewTerraformStack(scope, jsii.String(project))
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
	reg, err := registry.New(stack, "registry", registry.Props{
		Project: project, Network: net, BindAddress: "127.0.0.1", Port: 5000, DockerHost: dockerHost,
	})
	if err != nil {
		return err
	}
	if _, err := dockerprovider.New(stack, "docker", dockerprovider.Props{
		Host: dockerHost, Registries: []dockerprovider.RegistryAuth{{Address: reg.URL()}},
	}); err != nil {
		return err
	}
	cluster, err := postgrescluster.New(stack, "postgres", postgrescluster.Props{
		Project: project, Network: net, ImageTag: "16.6-bookworm",
		BindAddress: "127.0.0.1", Port: 5432, Password: pg.Password.StringValue(), DockerHost: dockerHost,
	})
	if err != nil {
		return err
	}
	appPassword, err := providers.PasswordVariable(stack, "app_password", "Password of the notes app's database role")
	if err != nil {
		return err
	}
	db, err := appdatabase.New(stack, "database", appdatabase.Props{
		Spec:     dbspec.Spec{Project: project, App: app},
		Password: appPassword.StringValue(),
		Cluster:  cluster,
		Network:  net,
	})
	if err != nil {
		return err
	}
	// The front proxy owns the host port: a new version takes traffic only
	// once healthy, as behind a load balancer.
	proxy, err := frontproxy.New(stack, "proxy", frontproxy.Props{
		Project: project, Network: net, BindAddress: "127.0.0.1", DockerHost: dockerHost,
		Routes: []frontproxy.Route{{Name: app, HostPort: 8080}},
	})
	if err != nil {
		return err
	}
	service, err := restservice.New(stack, "service", restservice.Props{
		Project: project, App: app, Kind: registry.API,
		SourceDir: source, SourceHash: hash,
		Registry: reg, Network: net, Database: db,
		Port: 8080, Proxy: proxy,
		HealthCheckCommand: []string{"CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1"},
	})
	if err != nil {
		return err
	}
	cdktf.NewTerraformOutput(stack, jsii.String("image"), &cdktf.TerraformOutputConfig{Value: jsii.String(service.ImageRef)})
	return nil
}
