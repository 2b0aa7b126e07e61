package postgrescluster

import (
	"fmt"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/naming"
	"strconv"
	"strings"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// BackupProps configures the daily logical backups.
type BackupProps struct {
	// Project prefixes the container and volume names. Required.
	Project string
	// Cluster is the cluster to back up. Required.
	Cluster *Cluster
	// Network is the platform network to join. Required.
	Network *dockernetwork.Network
	// Databases are the app databases to back up (each also the name of
	// its owner role). Default none: only the globals.
	Databases []string
	// Image is the backup image's build context (PrepareBackupImage).
	// Required.
	Image ImageContext
	// Offsite copies the backups off the server after each round. Default
	// nil: no copy (the drill restores the volume's dumps).
	Offsite *Offsite
	// At is the daily time, HH:MM in UTC. Required.
	At string
	// Keep is how many backups of each database are kept. Required, >= 1.
	Keep int
	// AllowVolumeDestroy lets Terraform delete the backup volume. Default
	// false: it carries prevent_destroy.
	AllowVolumeDestroy bool
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
	// After are resources that must exist first (the app databases).
	// Default none.
	After []cdktf.ITerraformDependable
}

// Offsite is the restic repository each backup round is copied to, and
// what else is copied with the backup volume.
type Offsite struct {
	// Repository is restic's "s3:<scheme>://<endpoint>/<bucket>[/<path>]".
	// Required.
	Repository string
	// Region names the bucket's region. Default empty: restic asks.
	Region string
	// Host names this server's snapshots (restic --host), e.g.
	// "<project>-<environment>". Required.
	Host string
	// Password encrypts the repository. Required (a sensitive variable).
	Password *string
	// AccessKeyID and SecretAccessKey sign the bucket's requests.
	// Required (sensitive variables).
	AccessKeyID, SecretAccessKey *string
	// KeepDaily, KeepWeekly and KeepMonthly are restic forget's policy.
	// Each at least 1.
	KeepDaily, KeepWeekly, KeepMonthly int
	// Sources are copied too, each mounted read-only at OffsitePath(Name).
	// Default none.
	Sources []OffsiteSource
}

// OffsiteSource is a Docker volume or a directory of the Docker host
// copied off-site with the backups.
type OffsiteSource struct {
	// Name is its folder under /offsite in the snapshots. Required.
	Name string
	// Volume is the Docker volume's name, or HostDir an absolute path on
	// the Docker host; exactly one.
	Volume  *string
	HostDir string
}

// OffsitePath is where source name is mounted, and so its path in the
// snapshots.
func OffsitePath(name string) string { return "/offsite/" + name }

// In the sidecar: restic's secrets as files, not in its environment.
const (
	resticPasswordFile    = "/run/secrets/restic-password"
	resticCredentialsFile = "/run/secrets/offsite-credentials"
)

// Backup is the backup sidecar and its volume.
type Backup struct {
	constructs.Construct
	Volume    volume.Volume
	Image     image.Image
	Container container.Container
	// Name is the sidecar container's name.
	Name string
}

// NewBackup adds a sidecar that dumps every app database and the globals
// of Cluster daily into its own volume, with the restore script beside
// them. It runs the cluster's image (pg_dump of the same major version).
func NewBackup(scope constructs.Construct, id string, props BackupProps) (*Backup, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	cl := props.Cluster
	b := &Backup{Construct: c, Name: BackupName(props.Project)}
	b.Volume = volume.NewVolume(c, jsii.String("volume"), &volume.VolumeConfig{
		Name:      jsii.String(BackupName(props.Project)),
		Labels:    dockerlabels.Volume(props.Labels),
		Lifecycle: &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(!props.AllowVolumeDestroy)},
	})
	b.Image = image.NewImage(c, jsii.String("image"), &image.ImageConfig{
		Name: jsii.String(props.Project + "-postgres-backup:" + props.Image.Hash[:12]),
		BuildAttribute: &image.ImageBuild{
			Context: jsii.String(props.Image.Dir), Dockerfile: jsii.String("Dockerfile"),
		},
		Triggers:    &map[string]*string{"source": jsii.String(props.Image.Hash)},
		KeepLocally: jsii.Bool(true),
		// Built on the cluster's image, pulled first.
		DependsOn: &[]cdktf.ITerraformDependable{cl.Image},
	})
	conn := cl.Connection()
	pgpass := pgpassAll(conn.AdminUser, *tfstring.BackslashEscape(conn.AdminPassword, ":"))
	cfg := &container.ContainerConfig{
		Name:    jsii.String(b.Name),
		Image:   b.Image.ImageId(),
		Command: jsii.Strings(ScheduleCommand),
		// A shell as process 1 ignores the stop signal; Docker's init forwards it.
		Init: jsii.Bool(true),
		Env: jsii.Strings(
			"PGHOST="+conn.InternalHost, "PGPORT="+strconv.Itoa(conn.InternalPort), "PGUSER="+conn.AdminUser,
			"PGPASS_UPLOAD="+pgpassUpload, "PGPASSFILE="+pgpassFile, "PGSSLMODE=disable",
			"BACKUP_DIR="+SidecarBackupDir, "KEEP="+strconv.Itoa(props.Keep), "AT="+props.At,
			"DATABASES="+strings.Join(props.Databases, " "),
			// Where the result is written for the monitoring's node exporter.
			"METRICS_DIR="+alerting.BackupMetricsDir,
			"APP_ROLE_GRANTS="+AppRoleGrantsFile, "APP_ROLE_SUFFIX="+naming.AppRoleSuffix,
			"TABLE_CHECKSUMS="+TableChecksumsFile,
		),
		Volumes: &[]*container.ContainerVolumes{{VolumeName: b.Volume.Name(), ContainerPath: jsii.String(SidecarBackupDir)}},
		Upload: &[]*container.ContainerUpload{
			// The password reaches the tools as a file, not as an environment value.
			{File: jsii.String(pgpassUpload), Content: jsii.String(pgpass)},
			{File: jsii.String(BackupCommand), Content: tfstring.Literal(BackupScript), Executable: jsii.Bool(true)},
			{File: jsii.String(RestoreCommand), Content: tfstring.Literal(RestoreScript), Executable: jsii.Bool(true)},
			{File: jsii.String(ScheduleCommand), Content: tfstring.Literal(ScheduleScript), Executable: jsii.Bool(true)},
			{File: jsii.String(AppRoleGrantsFile), Content: tfstring.Literal(dbspec.AppRoleGrants)},
			{File: jsii.String(RoundCommand), Content: tfstring.Literal(RoundScript), Executable: jsii.Bool(true)},
			{File: jsii.String(OffsiteCommand), Content: tfstring.Literal(OffsiteScript), Executable: jsii.Bool(true)},
			{File: jsii.String(DrillCommand), Content: tfstring.Literal(DrillScript), Executable: jsii.Bool(true)},
			{File: jsii.String(TableChecksumsFile), Content: tfstring.Literal(TableChecksumsSQL)},
			{File: jsii.String(LibFile), Content: tfstring.Literal(LibScript)},
		},
		Healthcheck: &container.ContainerHealthcheck{
			Test:     jsii.Strings(backupHealthCheck...),
			Interval: jsii.String("1m0s"), Timeout: jsii.String("5s"), Retries: jsii.Number(1),
		},
		DestroyGraceSeconds: jsii.Number(10),
		DependsOn:           &[]cdktf.ITerraformDependable{cl.Container},
		// As the server's entrypoint: the drill creates and chowns its
		// scratch cluster and runs it as postgres.
		Capabilities: dockercontainer.OnlyCapabilities(serverCapabilities...),
	}
	if props.Offsite != nil {
		addOffsite(cfg, *props.Offsite)
	}
	// The drill's scratch cluster and the dumps' work directories live in
	// /tmp: a volume on disk (removed with the container), not a tmpfs in
	// memory.
	volumes := append(*cfg.Volumes.(*[]*container.ContainerVolumes), &container.ContainerVolumes{ContainerPath: jsii.String("/tmp")})
	cfg.Volumes = &volumes
	dockercontainer.ReadOnlyRoot(cfg, nil, dockercontainer.Files{Scope: c, ID: "files", Prefix: b.Name, Labels: props.Labels})
	dockercontainer.LimitMemory(cfg, BackupMemoryMiB)
	if len(props.After) > 0 {
		deps := append(*cfg.DependsOn, props.After...)
		cfg.DependsOn = &deps
	}
	sidecar, err := dockercontainer.New(c, "container", dockercontainer.Props{
		Config: cfg, Shared: dockercontainer.Shared{Network: props.Network, Options: props.Options},
	})
	if err != nil {
		return nil, err
	}
	b.Container = sidecar.Container
	return b, nil
}

// BackupMemoryMiB limits the backup sidecar: pg_dump, restic (its index
// in memory) and the drill's scratch server, one at a time.
const BackupMemoryMiB = 1024

// BackupName is the backup sidecar's name, and its volume's.
func BackupName(project string) string { return project + "-postgres-backup" }

// RestoreShellCommand restores database from its newest backup as
// printed (append an archive name for another one).
func (b *Backup) RestoreShellCommand(dockerHost, database string) string {
	return fmt.Sprintf("docker -H %s exec %s %s %s", dockerHost, b.Name, RestoreCommand, database)
}

func (p BackupProps) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Ref("Cluster", p.Cluster)
	check.Ref("Network", p.Network)
	check.Dependencies("After", p.After)
	if len(p.At) != 5 || p.At[2] != ':' {
		check.Add("At", p.At, "is not HH:MM")
	}
	check.Min("Keep", p.Keep, 1)
	if p.Image.Dir == "" || len(p.Image.Hash) < 12 {
		check.Add("Image", p.Image.Dir, "is not a prepared build context (PrepareBackupImage)")
	}
	if p.Offsite != nil {
		p.Offsite.validate(check)
	}
	for _, d := range p.Databases {
		if strings.ContainsAny(d, " '\"-") {
			check.Add("Databases", d, "is not a plain database name")
		}
	}
	return check.Err()
}
