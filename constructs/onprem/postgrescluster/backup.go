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

// Backup is the backup sidecar and its volume.
type Backup struct {
	constructs.Construct
	Volume    volume.Volume
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
	b := &Backup{Construct: c, Name: props.Project + "-postgres-backup"}
	b.Volume = volume.NewVolume(c, jsii.String("volume"), &volume.VolumeConfig{
		Name:      jsii.String(props.Project + "-postgres-backup"),
		Labels:    dockerlabels.Volume(props.Labels),
		Lifecycle: &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(!props.AllowVolumeDestroy)},
	})
	conn := cl.Connection()
	pgpass := pgpassAll(conn.AdminUser, *tfstring.BackslashEscape(conn.AdminPassword, ":"))
	cfg := &container.ContainerConfig{
		Name:    jsii.String(b.Name),
		Image:   cl.Image.ImageId(),
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
		),
		Volumes: &[]*container.ContainerVolumes{{VolumeName: b.Volume.Name(), ContainerPath: jsii.String(SidecarBackupDir)}},
		Upload: &[]*container.ContainerUpload{
			// The password reaches the tools as a file, not as an environment value.
			{File: jsii.String(pgpassUpload), Content: jsii.String(pgpass)},
			{File: jsii.String(BackupCommand), Content: tfstring.Literal(BackupScript), Executable: jsii.Bool(true)},
			{File: jsii.String(RestoreCommand), Content: tfstring.Literal(RestoreScript), Executable: jsii.Bool(true)},
			{File: jsii.String(ScheduleCommand), Content: tfstring.Literal(ScheduleScript), Executable: jsii.Bool(true)},
			{File: jsii.String(AppRoleGrantsFile), Content: tfstring.Literal(dbspec.AppRoleGrants)},
		},
		Healthcheck: &container.ContainerHealthcheck{
			Test:     jsii.Strings(backupHealthCheck...),
			Interval: jsii.String("1m0s"), Timeout: jsii.String("5s"), Retries: jsii.Number(1),
		},
		DestroyGraceSeconds: jsii.Number(10),
		DependsOn:           &[]cdktf.ITerraformDependable{cl.Container},
	}
	if len(props.After) > 0 {
		deps := append(*cfg.DependsOn, props.After...)
		cfg.DependsOn = &deps
	}
	b.Container = dockercontainer.New(c, "container", cfg, dockercontainer.Shared{
		Network: props.Network, Options: props.Options,
	})
	return b, nil
}

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
	for _, d := range p.Databases {
		if strings.ContainsAny(d, " '\"-") {
			check.Add("Databases", d, "is not a plain database name")
		}
	}
	return check.Err()
}
