package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/monitoring"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// OnPrem is the home server stack.
type OnPrem struct {
	cdktf.TerraformStack
	Network  *dockernetwork.Network
	Registry *registry.Registry
	Postgres *postgrescluster.Cluster
	// PostgresBackup dumps every app database and the globals daily.
	PostgresBackup *postgrescluster.Backup
	// PostgresPassword is the sensitive variable holding the superuser
	// password, shared by the PostgreSQL container and the provider.
	PostgresPassword cdktf.TerraformVariable
	// Databases by app name, for apps with a database.
	Databases map[string]*appdatabase.Database
	// Services by app name, for api and model apps.
	Services map[string]*restservice.Service
	// Sites by app name.
	Sites map[string]*clientsite.Site
	// Proxy owns the apps' and sites' host ports (nil without apps).
	Proxy *frontproxy.Proxy
	// Monitoring probes the apps, sites, registry and PostgreSQL and
	// alerts (nil without apps, or with onprem.monitoring.disabled).
	Monitoring *monitoring.Monitoring
}

// onPremApps is what the apps of one home-server environment (staging or
// a preview) are built from and run on.
type onPremApps struct {
	stack cdktf.TerraformStack
	p     *config.Project
	in    *onPremInputs
	// name starts the environment's container names: the project's, or
	// <project>-pr-<n>.
	name     string
	options  dockercontainer.Options
	registry *registry.Registry
	network  *dockernetwork.Network
	proxy    *frontproxy.Proxy
	// connectionLimit caps each app role's connections (0: none).
	connectionLimit int
}

// newDatabases creates each app's role, database and migration image and
// run, in app order.
func (e onPremApps) newDatabases(cluster *postgrescluster.Cluster) (map[string]*appdatabase.Database, map[string]*localimage.LocalImage, error) {
	databases := map[string]*appdatabase.Database{}
	images := map[string]*localimage.LocalImage{}
	for _, s := range e.in.databases {
		pw, err := providers.PasswordVariable(e.stack, config.AppPasswordVariable(s.App), "Password of app "+s.App+"'s database role")
		if err != nil {
			return nil, nil, err
		}
		ctx := e.in.migrations[s.App]
		img, err := localimage.New(e.stack, "migration-image-"+s.App, localimage.Props{
			Registry: e.registry, Namespace: appNamespace(e.p, s.App), App: s.App,
			ContextDir: ctx.Dir, Hash: ctx.Hash, TagPrefix: "flyway-",
		})
		if err != nil {
			return nil, nil, err
		}
		images[s.App] = img
		db, err := appdatabase.New(e.stack, "database-"+s.App, appdatabase.Props{
			Spec:            s,
			Password:        pw.StringValue(),
			Cluster:         cluster,
			Network:         e.network,
			MigrationImage:  img,
			Labels:          e.options.Labels,
			ConnectionLimit: e.connectionLimit,
		})
		if err != nil {
			return nil, nil, err
		}
		databases[s.App] = db
	}
	return databases, images, nil
}

// newSites builds every site into an nginx image and runs it, with /api/
// forwarded to its API app's container when it names one.
func (e onPremApps) newSites(services map[string]*restservice.Service) (map[string]*clientsite.Site, error) {
	out := map[string]*clientsite.Site{}
	for _, a := range siteApps(e.p.Apps) {
		props := clientsite.Props{
			Project: e.name, App: a.Name, Context: e.in.sites[a.Name],
			Registry: e.registry, Network: e.network, Proxy: e.proxy,
			MemoryMiB: a.Size.Memory,
			Options:   e.options,
		}
		if api, ok := services[a.Site.API]; ok {
			props.API = api
		}
		site, err := clientsite.New(e.stack, "site-"+a.Name, props)
		if err != nil {
			return nil, err
		}
		out[a.Name] = site
	}
	return out, nil
}

// newServices builds, pushes and runs every api and model app, each after
// its migrations.
func (e onPremApps) newServices(databases map[string]*appdatabase.Database) (map[string]*restservice.Service, error) {
	out := map[string]*restservice.Service{}
	for _, a := range containerApps(e.p.Apps) {
		src := e.in.sources[a.Name]
		secrets, err := secretVariables(e.stack, a)
		if err != nil {
			return nil, err
		}
		props := restservice.Props{
			Project: e.name, App: a.Name, Kind: registry.Namespace(a.Kind),
			SourceDir: src.dir, SourceHash: src.hash,
			Registry: e.registry, Network: e.network,
			Port: a.Port, Proxy: e.proxy,
			HealthCheckCommand: a.HealthCheckCommand, HealthCheckPath: a.HealthCheckPath,
			Env:       a.Env,
			SecretEnv: secrets,
			MemoryMiB: a.Size.Memory,
			// Hardened as on its ECS task.
			User: a.User, WritablePaths: a.WritablePaths,
			Options: e.options,
		}
		if db, ok := databases[a.Name]; ok {
			props.Database = db
		}
		svc, err := restservice.New(e.stack, "service-"+a.Name, props)
		if err != nil {
			return nil, err
		}
		out[a.Name] = svc
	}
	return out, nil
}

// NewOnPrem builds the on-prem stack from a normalized project.
func NewOnPrem(scope constructs.Construct, id string, p *config.Project, opts Options) (*OnPrem, error) {
	o := p.OnPrem
	in, err := readOnPremInputs(p, opts, stagingEnv(p))
	if err != nil {
		return nil, err
	}
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	stateDir, err := onPremStateDir(o, opts)
	if err != nil {
		return nil, err
	}
	localBackend(stack, id, stateDir)
	pgProvider, err := postgresProvider(stack, o)
	if err != nil {
		return nil, err
	}
	password := pgProvider.Password
	labels := tags(p.Name, o.Environment)
	net, err := dockernetwork.New(stack, "platform-network", dockernetwork.Props{
		Name:   o.Network.Name,
		Subnet: o.Network.Subnet,
		Labels: labels,
	})
	if err != nil {
		return nil, err
	}
	var htpasswd *string
	if o.Registry.HTPasswd {
		v, err := providers.SecretVariable(stack, config.RegistryHTPasswdVariable, "htpasswd file of the on-prem registry: user:bcrypt-hash lines", 1)
		if err != nil {
			return nil, err
		}
		htpasswd = v.StringValue()
	}
	reg, err := registry.New(stack, "registry", registry.Props{
		Project:            p.Name,
		Network:            net,
		BindAddress:        o.Registry.BindAddress,
		Port:               o.Registry.Port,
		Image:              o.Registry.Image,
		HTPasswd:           htpasswd,
		TLS:                registry.TLS(o.Registry.TLS),
		Backup:             registry.Backup(o.Registry.Backup),
		AllowVolumeDestroy: opts.DeleteOnPremData,
		DockerHost:         o.DockerHost,
		Options:            containerOptions(p),
	})
	if err != nil {
		return nil, err
	}
	if err := dockerProvider(stack, o, reg); err != nil {
		return nil, err
	}
	pg, err := postgrescluster.New(stack, "postgres", postgrescluster.Props{
		Project:            p.Name,
		Network:            net,
		ImageTag:           o.Postgres.ImageTag,
		BindAddress:        o.Postgres.BindAddress,
		Port:               o.Postgres.Port,
		AdminUser:          o.Postgres.AdminUser,
		Password:           password.StringValue(),
		AllowVolumeDestroy: opts.DeleteOnPremData,
		DockerHost:         o.DockerHost,
		MemoryMiB:          o.Postgres.Memory,
		Options:            containerOptions(p),
	})
	if err != nil {
		return nil, err
	}
	specs := in.databases
	apps := onPremApps{stack: stack, p: p, in: in, name: p.Name, options: containerOptions(p), registry: reg, network: net}
	databases, migrationImages, err := apps.newDatabases(pg)
	if err != nil {
		return nil, err
	}
	var dbNames []string
	var dbResources []cdktf.ITerraformDependable
	for _, s := range specs {
		dbNames = append(dbNames, s.Database())
		dbResources = append(dbResources, databases[s.App].Database)
	}
	backupImg, err := backupImage(p, opts)
	if err != nil {
		return nil, err
	}
	off, err := offsite(stack, p, reg, stateDir)
	if err != nil {
		return nil, err
	}
	pgBackup, err := postgrescluster.NewBackup(stack, "postgres-backup", postgrescluster.BackupProps{
		Project: p.Name, Cluster: pg, Network: net, Databases: dbNames,
		Image: backupImg, Offsite: off,
		At: o.Postgres.Backup.Time, Keep: o.Postgres.Backup.Keep,
		AllowVolumeDestroy: opts.DeleteOnPremData,
		Options:            containerOptions(p),
		After:              dbResources,
	})
	if err != nil {
		return nil, err
	}
	var proxy *frontproxy.Proxy
	if len(p.Apps) > 0 {
		// The front door: every app's and site's host port, routed to the
		// container that passed its health check.
		if proxy, err = frontproxy.New(stack, "front-proxy", frontproxy.Props{
			Project: p.Name, Network: net, BindAddress: o.AppsBindAddress, Routes: proxyRoutes(p),
			PreviewHostPort: o.Previews.Port,
			DockerHost:      o.DockerHost, Options: containerOptions(p),
		}); err != nil {
			return nil, err
		}
	}
	apps.proxy = proxy
	services, err := apps.newServices(databases)
	if err != nil {
		return nil, err
	}
	sites, err := apps.newSites(services)
	if err != nil {
		return nil, err
	}
	out := &OnPrem{TerraformStack: stack, Network: net, Registry: reg, Postgres: pg, PostgresBackup: pgBackup, PostgresPassword: password, Databases: databases, Services: services, Sites: sites, Proxy: proxy}
	if p.Monitored() {
		if out.Monitoring, err = newMonitoring(stack, p, out); err != nil {
			return nil, err
		}
	}
	out.addOutputs(p, in, migrationImages)
	return out, nil
}

// postgresProvider reaches the on-prem PostgreSQL server as its superuser.
func postgresProvider(stack cdktf.TerraformStack, o config.OnPrem) (*postgresqlprovider.Provider, error) {
	return postgresqlprovider.New(stack, "postgresql", postgresqlprovider.Props{
		Host:             o.Postgres.Host,
		Port:             o.Postgres.Port,
		Username:         o.Postgres.AdminUser,
		SSLMode:          o.Postgres.SSLMode,
		Version:          o.Postgres.Version,
		PasswordVariable: config.PostgresPasswordVariable,
	})
}

// dockerProvider talks to the home server's engine and pushes app and
// site images to reg (as the registry user, when it requires one).
func dockerProvider(stack cdktf.TerraformStack, o config.OnPrem, reg *registry.Registry) error {
	var pushUser, pushPassword *string
	if o.Registry.HTPasswd {
		user, err := providers.SecretVariable(stack, config.RegistryUserVariable, "user the deploy pushes to the on-prem registry as (one of the htpasswd users)", 1)
		if err != nil {
			return err
		}
		password, err := providers.SecretVariable(stack, config.RegistryPasswordVariable, "password of that registry user", 1)
		if err != nil {
			return err
		}
		pushUser, pushPassword = user.StringValue(), password.StringValue()
	}
	_, err := dockerprovider.New(stack, "docker", dockerprovider.Props{
		Host:       o.DockerHost,
		Registries: []dockerprovider.RegistryAuth{{Address: reg.URL(), Username: pushUser, Password: pushPassword}},
	})
	return err
}

// containerOptions are the log rotation and labels of every on-prem
// container (and the labels of its volumes).
func containerOptions(p *config.Project) dockercontainer.Options {
	o := dockercontainer.Options{
		LogMaxSize: p.OnPrem.LogMaxSize, LogMaxFiles: p.OnPrem.LogMaxFiles, Labels: tags(p.Name, p.OnPrem.Environment),
	}
	if p.Monitored() {
		o.Alertmanager = alerting.AlertmanagerContainer(p.Name)
	}
	return o
}
