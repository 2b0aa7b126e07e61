package postgrescluster

import (
	"sort"
	"strconv"
	"strings"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster/pgconfig"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/homerules"
)

// DefaultAdminUser is the superuser name when Props leaves it empty.
const DefaultAdminUser = homerules.DefaultPostgresAdmin

// Props configures the cluster.
type Props struct {
	// Project prefixes the container and volume names. Required.
	Project string
	// Network is the platform network to join. Required.
	Network *dockernetwork.Network
	// ImageTag of the official postgres image, pinned (e.g. "16.6-bookworm"). Required.
	ImageTag string
	// BindAddress and Port publish the server on the host. Required.
	BindAddress string
	Port        int
	// AdminUser is the superuser name. Default DefaultAdminUser.
	AdminUser string
	// Password is the superuser password token (a sensitive variable).
	// Required.
	Password *string
	// AllowVolumeDestroy lets Terraform delete the data volume, for a
	// deliberate teardown with data. Default false: it carries
	// prevent_destroy.
	AllowVolumeDestroy bool
	// DockerHost is the engine the container runs on, asked whether it is
	// healthy. Default dockercontainer.DefaultDockerHost.
	DockerHost string
	// MemoryMiB limits the server's container, without swap. Default
	// DefaultMemoryMiB.
	MemoryMiB int
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
}

// DefaultMemoryMiB is the server's memory limit unless Props sets one:
// room for shared_buffers (128 MiB by default), the connections' work
// memory and the page cache PostgreSQL leans on.
const DefaultMemoryMiB = homerules.DefaultPostgresMemoryMiB

// serverCapabilities are all the official entrypoint needs as root: it
// creates and chowns the data and socket directories (CHOWN, FOWNER,
// DAC_OVERRIDE to reach postgres's own 0700 directory) and drops to
// postgres (SETUID, SETGID). The server itself then holds none.
var serverCapabilities = []string{"CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"}

// serverWritablePaths are where the server writes outside its volume:
// its socket and lock file, and the entrypoint's temporary files.
var serverWritablePaths = []string{"/tmp", "/var/run/postgresql"}

// Cluster is the PostgreSQL container and its data volume.
type Cluster struct {
	constructs.Construct
	Image      image.Image
	DataVolume volume.Volume
	Container  container.Container
	// Ready waits during apply until the container is healthy; depend on
	// it rather than on Container (dockercontainer.Props.ReadyTimeoutSeconds says why).
	Ready cdktf.TerraformResource
	conn  Connection
}

// Connection is what the postgresql provider and the app-database
// construct need to reach the cluster.
type Connection struct {
	// Host and Port as published on the server.
	Host string
	Port int
	// InternalHost and InternalPort on the platform network (container
	// name and 5432), for app containers.
	InternalHost string
	InternalPort int
	// AdminUser is the superuser name.
	AdminUser string
	// AdminPassword is the superuser password token (sensitive).
	AdminPassword *string
}

const (
	idImage      = "image"
	idDataVolume = "data-volume"
	idContainer  = "container"
)

// New creates the cluster under scope.
func New(scope constructs.Construct, id string, props Props) (*Cluster, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := ContainerName(props.Project)
	cl := &Cluster{Construct: c}
	cl.Image = image.NewImage(c, jsii.String(idImage), &image.ImageConfig{
		Name: jsii.String(ClusterImage(props.ImageTag)), KeepLocally: jsii.Bool(true),
	})
	// The data outlives every container: replacing the container (new
	// image tag, new settings) reattaches the same volume.
	cl.DataVolume = volume.NewVolume(c, jsii.String(idDataVolume), &volume.VolumeConfig{
		Name:      jsii.String(name + "-data"),
		Labels:    dockerlabels.Volume(props.Labels),
		Lifecycle: &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(!props.AllowVolumeDestroy)},
	})
	cfg := &container.ContainerConfig{
		Name:  jsii.String(name),
		Image: cl.Image.ImageId(),
		Env: jsii.Strings(
			"POSTGRES_USER="+props.AdminUser,
			// The official image reads the password from this file, so it
			// is not in the container's environment (docker inspect).
			"POSTGRES_PASSWORD_FILE="+ContainerPassword,
			"POSTGRES_INITDB_ARGS="+strings.Join(pgconfig.InitdbArgs, " "),
			"PGDATA="+ContainerDataDir+"/pgdata",
		),
		Command: serverCommand(),
		Upload: &[]*container.ContainerUpload{{
			File: jsii.String(ContainerPassword), Content: props.Password,
		}},
		Ports: &[]*container.ContainerPorts{{
			Internal: jsii.Number(ContainerPort), External: jsii.Number(float64(props.Port)), Ip: jsii.String(props.BindAddress),
		}},
		Volumes: &[]*container.ContainerVolumes{{VolumeName: cl.DataVolume.Name(), ContainerPath: jsii.String(ContainerDataDir)}},
		Healthcheck: &container.ContainerHealthcheck{
			Test:     jsii.Strings("CMD", "pg_isready", "-U", props.AdminUser, "-h", "127.0.0.1", "-p", strconv.Itoa(ContainerPort)),
			Interval: jsii.String("10s"), Timeout: jsii.String("5s"), Retries: jsii.Number(5), StartPeriod: jsii.String("30s"),
		},
		// Give PostgreSQL time for a clean shutdown checkpoint, on a plain
		// stop and when Terraform replaces or destroys the container (the
		// provider's default is to kill it at once).
		StopTimeout:         jsii.Number(60),
		DestroyGraceSeconds: jsii.Number(60),
		// Terraform waits for the health check, so a deploy fails if the
		// server does not come up, and later steps find it ready.
		Wait:         jsii.Bool(true),
		WaitTimeout:  jsii.Number(120),
		Capabilities: dockercontainer.OnlyCapabilities(serverCapabilities...),
	}
	dockercontainer.ReadOnlyRoot(cfg, serverWritablePaths, dockercontainer.Files{Scope: c, ID: idContainer + "-files", Prefix: name, Labels: props.Labels})
	dockercontainer.LimitMemory(cfg, props.MemoryMiB)
	server, err := dockercontainer.New(c, idContainer, dockercontainer.Props{
		Config: cfg, Shared: dockercontainer.Shared{Network: props.Network, Aliases: []string{"postgres"}, Options: props.Options},
		DockerHost: props.DockerHost, ReadyTimeoutSeconds: 180,
	})
	if err != nil {
		return nil, err
	}
	cl.Container, cl.Ready = server.Container, server.Ready
	cl.conn = Connection{
		Host: props.BindAddress, Port: props.Port,
		InternalHost: name, InternalPort: ContainerPort,
		AdminUser: props.AdminUser, AdminPassword: props.Password,
	}
	return cl, nil
}

// NewReference is a cluster another stack runs (staging's, for a
// preview): this stack creates roles and databases in it and never
// touches its container.
func NewReference(scope constructs.Construct, id string, conn Connection) (*Cluster, error) {
	check := propcheck.For(scope, id)
	check.Required("InternalHost", conn.InternalHost)
	check.Port("InternalPort", conn.InternalPort)
	if err := check.Err(); err != nil {
		return nil, err
	}
	return &Cluster{Construct: constructs.NewConstruct(scope, jsii.String(id)), conn: conn}, nil
}

// ContainerName is the PostgreSQL container's name: <project>-postgres.
func ContainerName(project string) string { return project + "-postgres" }

// Connection is how to reach the cluster.
func (c *Cluster) Connection() Connection { return c.conn }

// serverCommand starts postgres with pgconfig.ServerSettings in a stable order.
func serverCommand() *[]*string {
	keys := make([]string, 0, len(pgconfig.ServerSettings))
	for k := range pgconfig.ServerSettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cmd := []string{"postgres"}
	for _, k := range keys {
		cmd = append(cmd, "-c", k+"="+pgconfig.ServerSettings[k])
	}
	return jsii.Strings(cmd...)
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Ref("Network", p.Network)
	check.Required("ImageTag", p.ImageTag)
	check.Missing("Password", p.Password == nil)
	check.Port("Port", p.Port)
	dockercontainer.CheckMemory(check, p.MemoryMiB, DefaultMemoryMiB)
	check.Claim("container", ContainerName(p.Project))
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.AdminUser == "" {
		p.AdminUser = DefaultAdminUser
	}
	if p.MemoryMiB == 0 {
		p.MemoryMiB = DefaultMemoryMiB
	}
}
