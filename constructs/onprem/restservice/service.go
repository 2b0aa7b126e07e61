package restservice

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// Props configures the on-prem service.
type Props struct {
	// Project and App name the container. Required.
	Project, App string
	// Kind is registry.API or registry.Model: the image's namespace.
	// Required.
	Kind registry.Namespace
	// SourceDir is the build context holding the Dockerfile (absolute).
	// Required.
	SourceDir string
	// SourceHash fingerprints SourceDir (contenthash.Dir); the image is
	// rebuilt and pushed exactly when it changes. Required.
	SourceHash string
	// Registry is the local registry. Required.
	Registry *registry.Registry
	// Network is the platform network to join. Required.
	Network *dockernetwork.Network
	// Port the app listens on. Required.
	Port int
	// Proxy publishes the app (its host port) and routes to the container
	// that passed its health check; it must have a route named App.
	// Required.
	Proxy *frontproxy.Proxy
	// HealthCheckCommand in exec form ("CMD", ...) or ("CMD-SHELL", ...):
	// Docker's check. Required.
	HealthCheckCommand []string
	// HealthCheckPath answers 200-399 when healthy: the load balancer's
	// check on AWS, made from the proxy before a new container takes
	// traffic. Default healthspec.DefaultServicePath ("/healthz").
	HealthCheckPath string
	// Env is the app's plain environment; values are taken literally.
	// Default none.
	Env map[string]string
	// SecretEnv are the app's secrets by variable name (tokens of sensitive
	// Terraform variables). Default none.
	SecretEnv map[string]*string
	// Database is the app's database: the container gets libpq's PG*
	// variables and a password file, and starts only after the database's
	// migrations succeeded. Default nil: none.
	Database *appdatabase.Database
	// After are further resources that must succeed first. Default none.
	After []cdktf.ITerraformDependable
	// MemoryMiB limits the container, without swap. Default
	// rollout.DefaultMemoryMiB.
	MemoryMiB int
	// WritablePaths are the only paths the app may write: tmpfs mounts
	// on a read-only root, as on its ECS task. Default
	// dockercontainer.DefaultWritablePaths.
	WritablePaths []string
	// User runs the app: "uid", "uid:gid" or a name the image knows; root
	// is refused. Default awsrules.NonRootUser, as on ECS.
	User string
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
}

// Service is an app running on the home server.
type Service struct {
	constructs.Construct
	// Image is built from SourceDir, pushed and pulled back: what runs.
	Image *localimage.LocalImage
	// Rollout is the container, its revision and its health gate.
	Rollout   *rollout.Rollout
	Container container.Container
	// ImageRef is <registry>/<namespace>/<app>:src-<hash>.
	ImageRef string
	// App is the app's name (Props.App).
	App string
	// InternalURL is the app for other containers: through the proxy.
	InternalURL string
	// InternalHost is the Host header the proxy routes the app by (a
	// preview's first host name); "" where its port routes it.
	InternalHost string
}

const (
	idRollout = "rollout"
	// SourceHashLabel records which source the running image came from.
	SourceHashLabel = localimage.SourceHashLabel
	// PGPassFile is where the database password file is uploaded; the
	// password is never an environment value.
	PGPassFile = "/run/secrets/pgpass"
)

// New builds, pushes and runs the app.
func New(scope constructs.Construct, id string, props Props) (*Service, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	img, err := localimage.New(c, "image", localimage.Props{
		Registry: props.Registry, Namespace: props.Kind, App: props.App, ContextDir: props.SourceDir, Hash: props.SourceHash,
	})
	if err != nil {
		return nil, err
	}
	s := &Service{Construct: c, App: props.App, Image: img, ImageRef: img.Ref, InternalURL: props.Proxy.URL(props.App)}
	if hosts := props.Proxy.Hosts(props.App); len(hosts) > 0 {
		s.InternalHost = hosts[0]
	}
	if s.Rollout, err = newRollout(c, s, props); err != nil {
		return nil, err
	}
	s.Container = s.Rollout.Container
	return s, nil
}

func newRollout(c constructs.Construct, s *Service, props Props) (*rollout.Rollout, error) {
	env := map[string]string{"PORT": strconv.Itoa(props.Port)}
	for k, v := range props.Env {
		env[k] = tfstring.Escape(v)
	}
	for k, v := range props.SecretEnv {
		env[k] = *v
	}
	var uploads []*container.ContainerUpload
	after := props.After
	if props.Database != nil {
		db := props.Database.Connection()
		after = append(after, props.Database.Flyway)
		for k, v := range map[string]string{
			"PGHOST": db.Host, "PGPORT": strconv.Itoa(db.Port), "PGDATABASE": db.Name, "PGUSER": db.User,
			// The platform network never leaves the host.
			"PGSSLMODE": "disable", "PGPASSFILE": PGPassFile,
		} {
			env[k] = v
		}
		uploads = append(uploads, &container.ContainerUpload{
			File:    jsii.String(PGPassFile),
			Content: jsii.String(fmt.Sprintf("%s:%d:%s:%s:%s\n", db.Host, db.Port, db.Name, db.User, *tfstring.BackslashEscape(db.Password, ":"))),
		})
	}
	cfg := &container.ContainerConfig{
		Image: s.Image.Image.ImageId(),
		Env:   sortedEnv(env),
		User:  jsii.String(props.User),
	}
	if len(uploads) > 0 {
		cfg.Upload = &uploads
	}
	if len(after) > 0 {
		cfg.DependsOn = &after
	}
	return rollout.New(c, idRollout, rollout.Props{
		Project: props.Project, App: props.App, Config: cfg, Port: props.Port, Proxy: props.Proxy,
		HealthCheckCommand: props.HealthCheckCommand, Health: healthspec.For(props.HealthCheckPath), MemoryMiB: props.MemoryMiB,
		WritablePaths: props.WritablePaths,
		Shared:        dockercontainer.Shared{Network: props.Network, Options: props.WithLabel(SourceHashLabel, props.SourceHash)},
	})
}

func sortedEnv(env map[string]string) *[]*string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*string, len(keys))
	for i, k := range keys {
		out[i] = jsii.String(k + "=" + env[k])
	}
	return &out
}

// URL is where the app answers on the home server (its host port on the
// proxy).
func URL(bindAddress string, hostPort int) string {
	return "http://" + registry.Address(bindAddress, hostPort)
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.HealthCheckPath == "" {
		p.HealthCheckPath = healthspec.DefaultServicePath
	}
	if p.User == "" {
		p.User = awsrules.NonRootUser
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	propcheck.OneOf(check, "Kind", p.Kind, registry.API, registry.Model)
	check.BuildContext("SourceDir", p.SourceDir)
	if len(p.SourceHash) < 12 {
		check.Add("SourceHash", p.SourceHash, "is required (contenthash.Dir of SourceDir)")
	}
	check.Ref("Registry", p.Registry)
	check.Ref("Network", p.Network)
	check.OptionalRef("Database", p.Database)
	check.Dependencies("After", p.After)
	check.Port("Port", p.Port)
	if !strings.HasPrefix(p.HealthCheckPath, "/") {
		check.Add("HealthCheckPath", p.HealthCheckPath, "must start with '/' (e.g. /healthz)")
	}
	frontproxy.CheckRoute(check, p.Proxy, p.App)
	rollout.CheckHealthCheckCommand(check, p.HealthCheckCommand)
	rollout.CheckMemory(check, p.MemoryMiB)
	if awsrules.IsRootUser(p.User) {
		check.Add("User", p.User, "runs the app as root; leave it empty (%s) or give the non-root uid the image needs", awsrules.NonRootUser)
	}
	var uploads container.ContainerConfig
	if p.Database != nil {
		uploads.Upload = &[]*container.ContainerUpload{{File: jsii.String(PGPassFile)}}
	}
	dockercontainer.CheckWritablePaths(check, "WritablePaths", p.WritablePaths, &uploads)
	return check.Err()
}
