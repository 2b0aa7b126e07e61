package librarytest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// onpremBase is the home-server platform every on-prem construct test
// stands on: providers, network, registry and PostgreSQL in stack name.
type onpremBase struct {
	app     cdktf.App
	stack   cdktf.TerraformStack
	net     *dockernetwork.Network
	reg     *registry.Registry
	cluster *postgrescluster.Cluster
}

func newOnPremBase(t *testing.T, app cdktf.App, name string) onpremBase {
	t.Helper()
	stack := cdktf.NewTerraformStack(app, jsii.String(name))
	pg := must(postgresqlprovider.New(stack, "postgresql", postgresqlprovider.Props{
		Host: "127.0.0.1", Port: 5432, Username: "postgres", Version: "16",
	}))(t)
	net := must(dockernetwork.New(stack, "network", dockernetwork.Props{Name: name}))(t)
	reg := must(registry.New(stack, "registry", registry.Props{Project: name, Network: net, BindAddress: "127.0.0.1", Port: 5000}))(t)
	must(dockerprovider.New(stack, "docker", dockerprovider.Props{
		Host: "unix:///var/run/docker.sock", Registries: []dockerprovider.RegistryAuth{{Address: reg.URL()}},
	}))(t)
	cluster := must(postgrescluster.New(stack, "postgres", postgrescluster.Props{
		Project: name, Network: net, ImageTag: "16.6-bookworm", BindAddress: "127.0.0.1", Port: 5432, Password: pg.Password.StringValue(),
	}))(t)
	return onpremBase{app, stack, net, reg, cluster}
}

// TestOnPremService: an app with its database and a site in front of it,
// wired only by construct references: the image goes to the registry's
// api namespace, the app waits for its migrations and reaches PostgreSQL
// on the platform network, the site proxies /api/ to the app.
func TestOnPremService(t *testing.T) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	b := newOnPremBase(t, app, "lib")
	src := filepath.Join(t.TempDir(), "api")
	writeFile(t, src, "Dockerfile", "FROM scratch\n")
	migrations := filepath.Join(t.TempDir(), "migrations")
	writeFile(t, migrations, "V1__init.sql", "CREATE TABLE notes (id int);\n")
	hash := must(contenthash.Dir(src))(t)
	loaded := must(flyway.Load(migrations))(t)

	db := must(appdatabase.New(b.stack, "db", appdatabase.Props{
		Spec: dbspec.Spec{Project: "lib", App: "orders", Migrations: loaded}, Password: jsii.String("pw"), Cluster: b.cluster, Network: b.net,
	}))(t)
	proxy := must(frontproxy.New(b.stack, "proxy", frontproxy.Props{
		Project: "lib", Network: b.net, BindAddress: "127.0.0.1", DockerHost: "unix:///var/run/docker.sock",
		Routes: []frontproxy.Route{{Name: "orders", HostPort: 8081}, {Name: "web", HostPort: 8082}},
	}))(t)
	svc := must(restservice.New(b.stack, "orders", restservice.Props{
		Project: "lib", App: "orders", Kind: registry.API, SourceDir: src, SourceHash: hash,
		Registry: b.reg, Network: b.net, Database: db, Port: 8080, Proxy: proxy,
		HealthCheckCommand: []string{"CMD", "/healthcheck"},
	}))(t)
	_, err := restservice.New(b.stack, "unrouted", restservice.Props{
		Project: "lib", App: "unrouted", Kind: registry.API, SourceDir: src, SourceHash: hash,
		Registry: b.reg, Network: b.net, Port: 8080, Proxy: proxy, HealthCheckCommand: []string{"CMD", "true"},
	})
	if err == nil || !strings.Contains(err.Error(), `lib/unrouted: Proxy "unrouted": has no route for this app`) {
		t.Errorf("a service the proxy does not route: %v", err)
	}
	_, err = restservice.New(b.stack, "tiny", restservice.Props{
		Project: "lib", App: "web", Kind: registry.API, SourceDir: src, SourceHash: hash,
		Registry: b.reg, Network: b.net, Port: 8080, Proxy: proxy, HealthCheckCommand: []string{"CMD", "true"}, MemoryMiB: 4,
	})
	if err == nil || err.Error() != "lib/tiny: MemoryMiB 4: must be at least 6 (Docker's minimum), or 0 for 512" {
		t.Errorf("a 4 MiB limit: %v", err)
	}
	// A health path without its slash is the user's field, not an inner
	// construct's health specification.
	_, err = restservice.New(b.stack, "slashless", restservice.Props{
		Project: "lib", App: "web", Kind: registry.API, SourceDir: src, SourceHash: hash,
		Registry: b.reg, Network: b.net, Port: 8080, Proxy: proxy, HealthCheckPath: "healthz", HealthCheckCommand: []string{"CMD", "true"},
	})
	if err == nil || err.Error() != `lib/slashless: HealthCheckPath "healthz": must start with '/' (e.g. /healthz)` {
		t.Errorf("a health path without '/': %v", err)
	}
	build := filepath.Join(t.TempDir(), "web")
	writeFile(t, build, "index.html", "<h1>hi</h1>")
	ctx := must(clientsite.Prepare(filepath.Join(t.TempDir(), "ctx"), build, clientsite.Upstream{URL: svc.InternalURL}))(t)
	site := must(clientsite.New(b.stack, "web", clientsite.Props{
		Project: "lib", App: "web", Context: ctx,
		Registry: b.reg, Network: b.net, API: svc, Proxy: proxy,
	}))(t)
	// A context prepared for another upstream is named by app, not by
	// proxy port or struct.
	wrong := must(clientsite.Prepare(filepath.Join(t.TempDir(), "wrong"), build, clientsite.Upstream{URL: proxy.URL("web")}))(t)
	none := must(clientsite.Prepare(filepath.Join(t.TempDir(), "none"), build, clientsite.Upstream{}))(t)
	for _, c := range []struct {
		ctx  clientsite.Context
		want string
	}{
		{wrong, `lib/web-wrong: Context.API "app web": the context sends /api/ there, but the site's API is app "orders": prepare the context with clientsite.Upstream{URL: api.InternalURL, Host: api.InternalHost} of the API service`},
		{none, `lib/web-wrong: Context.API "(none)": the site's API is app "orders", but its context sends /api/ nowhere: prepare the context with clientsite.Upstream{URL: api.InternalURL, Host: api.InternalHost} of the API service`},
	} {
		_, err := clientsite.New(b.stack, "web-wrong", clientsite.Props{
			Project: "lib", App: "web", Context: c.ctx, Registry: b.reg, Network: b.net, API: svc, Proxy: proxy,
		})
		if err == nil || err.Error() != c.want {
			t.Errorf("a site whose context sends /api/ elsewhere:\n got %v\nwant %s", err, c.want)
		}
	}
	s := synthesize(t, app, "lib")

	if want := "127.0.0.1:5000/api/orders:src-" + hash[:12]; svc.ImageRef != want {
		t.Errorf("image ref = %s, want %s", svc.ImageRef, want)
	}
	want(t, "pushed image", only(t, s, "docker_registry_image", "orders")["name"], "${docker_image."+idOf(t, s, "docker_image", "orders_image_build")+".name}")
	if svc.InternalURL != "http://lib-proxy:8100" {
		t.Errorf("the service is reached through the proxy: %s", svc.InternalURL)
	}
	container := only(t, s, "docker_container", "orders_rollout_container")
	env := strings.Join(synth.Strings(container["env"]), " ")
	for _, part := range []string{"PGHOST=lib-postgres", "PGPORT=5432", "PGDATABASE=orders", "PGPASSFILE=" + restservice.PGPassFile} {
		if !strings.Contains(env, part) {
			t.Errorf("app env lacks %s: %s", part, env)
		}
	}
	if strings.Contains(env, "pw") {
		t.Errorf("the database password is in the app's environment: %s", env)
	}
	deps := strings.Join(synth.Strings(container["depends_on"]), " ")
	if !strings.Contains(deps, "docker_container."+idOf(t, s, "docker_container", "db_flyway_")) {
		t.Errorf("app does not wait for its migrations: depends_on %s", deps)
	}
	flywayEnv := strings.Join(synth.Strings(only(t, s, "docker_container", "db_flyway_")["env"]), " ")
	if !strings.Contains(flywayEnv, "FLYWAY_URL=jdbc:postgresql://lib-postgres:5432/orders") {
		t.Errorf("flyway env: %s", flywayEnv)
	}
	want(t, "role", only(t, s, "postgresql_role", "db_role")["name"], "orders")
	if !strings.Contains(site.NginxConfig, svc.InternalURL) {
		t.Errorf("nginx does not proxy /api/ to %s:\n%s", svc.InternalURL, site.NginxConfig)
	}
	for _, id := range []string{"orders_rollout_container", "web_rollout_container"} {
		c := only(t, s, "docker_container", id)
		if c["memory"] != float64(rollout.DefaultMemoryMiB) || c["memory_swap"] != c["memory"] {
			t.Errorf("%s memory %v, swap %v: want the default limit %d without swap", id, c["memory"], c["memory_swap"], rollout.DefaultMemoryMiB)
		}
	}
	siteDeps := strings.Join(synth.Strings(only(t, s, "docker_container", "web_rollout_container")["depends_on"]), " ")
	if !strings.Contains(siteDeps, "terraform_data."+idOf(t, s, "terraform_data", "orders_rollout_gate")) {
		t.Errorf("site does not start after its API serves: depends_on %s", siteDeps)
	}
}

// TestOnPremCrossStack: a service given the database of another stack is
// refused, naming both stacks.
func TestOnPremCrossStack(t *testing.T) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	a, b := newOnPremBase(t, app, "a"), newOnPremBase(t, app, "b")
	db := must(appdatabase.New(a.stack, "db", appdatabase.Props{
		Spec: dbspec.Spec{Project: "a", App: "orders"}, Password: jsii.String("pw"), Cluster: a.cluster, Network: a.net,
	}))(t)
	src := filepath.Join(t.TempDir(), "api")
	writeFile(t, src, "Dockerfile", "FROM scratch\n")
	_, err := restservice.New(b.stack, "orders", restservice.Props{
		Project: "b", App: "orders", Kind: registry.API, SourceDir: src, SourceHash: must(contenthash.Dir(src))(t),
		Registry: b.reg, Network: b.net, Database: db, Port: 8080, HealthCheckCommand: []string{"CMD", "true"},
	})
	if err == nil || !strings.Contains(err.Error(), `b/orders: Database is in stack "a", not in this construct's stack "b"`) {
		t.Errorf("cross-stack database: got %v", err)
	}
}
