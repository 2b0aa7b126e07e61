package registry

import (
	"github.com/homecloud-dev/fullstack/homerules"

	"strconv"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry/registryconfig"

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
	"github.com/homecloud-dev/fullstack/pinned"
)

// DefaultBackupImage runs the backup sidecar (busybox crond, tar, gzip).
const DefaultBackupImage = pinned.RegistryBackup

// Defaults of the zero-valued Props fields.
const (
	DefaultImage          = pinned.Registry
	DefaultBackupSchedule = homerules.DefaultRegistryBackupSchedule
	DefaultBackupKeep     = homerules.DefaultBackupKeep
)

// TLS names a certificate and key on the Docker host.
type TLS struct {
	// CertFile is the PEM certificate (chain) path on the host.
	CertFile string
	// KeyFile is the PEM private key path on the host.
	KeyFile string
}

// Enabled reports whether TLS is configured.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// Backup schedules snapshots of the registry storage.
type Backup struct {
	// Schedule is a 5-field cron expression (UTC).
	Schedule string
	// Keep is how many snapshots are kept.
	Keep int
}

// Props configures the registry.
type Props struct {
	// Project prefixes the container and volume names. Required.
	Project string
	// Network is the platform network to join. Required.
	Network *dockernetwork.Network
	// BindAddress and Port publish the registry on the host. Required.
	BindAddress string
	Port        int
	// Image is the registry image, pinned. Default DefaultImage.
	Image string
	// HTPasswd is the htpasswd file content (a sensitive variable's token).
	// Default nil: no authentication.
	HTPasswd *string
	// TLS serves HTTPS with a certificate and key on the host. Default: HTTP.
	TLS TLS
	// Backup schedule and retention. Default DefaultBackupSchedule, keeping
	// DefaultBackupKeep snapshots.
	Backup Backup
	// BackupImage runs the backup sidecar. Default DefaultBackupImage.
	BackupImage string
	// AllowVolumeDestroy lets Terraform delete the storage and backup
	// volumes, for a deliberate teardown with data. Default false: they
	// carry prevent_destroy.
	AllowVolumeDestroy bool
	// DockerHost is the engine the container runs on, asked whether it is
	// healthy. Default dockercontainer.DefaultDockerHost.
	DockerHost string
	// Options are the log rotation and labels of its containers (and
	// volumes). Defaults: see dockercontainer.Options.
	dockercontainer.Options
}

// Registry is the registry container, its sidecar and its volumes.
type Registry struct {
	constructs.Construct
	Image           image.Image
	BackupImage     image.Image
	DataVolume      volume.Volume
	BackupVolume    volume.Volume
	Container       container.Container
	BackupContainer container.Container
	// Ready waits during apply until the container is healthy; depend on
	// it rather than on Container (dockercontainer.Props.ReadyTimeoutSeconds says why).
	Ready   cdktf.TerraformResource
	address string
	scheme  string
	project string
	// prefix starts every repository pushed through a reference ("" here).
	prefix string
}

// Child ids. Renaming one replaces the resource (and a volume holds data).
const (
	idImage           = "image"
	idBackupImage     = "backup-image"
	idDataVolume      = "data-volume"
	idBackupVolume    = "backup-volume"
	idContainer       = "container"
	idBackupContainer = "backup-container"
)

// New creates the registry under scope.
func New(scope constructs.Construct, id string, props Props) (*Registry, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	r := &Registry{Construct: c, address: Address(props.BindAddress, props.Port), scheme: "http", project: props.Project}
	if props.TLS.Enabled() {
		r.scheme = "https"
	}
	keep := &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(!props.AllowVolumeDestroy)}
	r.Image = image.NewImage(c, jsii.String(idImage), &image.ImageConfig{Name: jsii.String(props.Image), KeepLocally: jsii.Bool(true)})
	r.BackupImage = image.NewImage(c, jsii.String(idBackupImage), &image.ImageConfig{Name: jsii.String(props.BackupImage), KeepLocally: jsii.Bool(true)})
	r.DataVolume = volume.NewVolume(c, jsii.String(idDataVolume), &volume.VolumeConfig{
		Name: jsii.String(DataVolumeName(props.Project)), Labels: dockerlabels.Volume(props.Labels), Lifecycle: keep,
	})
	r.BackupVolume = volume.NewVolume(c, jsii.String(idBackupVolume), &volume.VolumeConfig{
		Name: jsii.String(props.Project + "-registry-backup"), Labels: dockerlabels.Volume(props.Labels), Lifecycle: keep,
	})
	main, err := newRegistryContainer(c, r, props)
	if err != nil {
		return nil, err
	}
	r.Container, r.Ready = main.Container, main.Ready
	if r.BackupContainer, err = newBackupContainer(c, r, props); err != nil {
		return nil, err
	}
	return r, nil
}

func newRegistryContainer(c constructs.Construct, r *Registry, props Props) (*dockercontainer.Container, error) {
	settings := registryconfig.Settings{RootDir: ContainerRootDir, Addr: ":" + strconv.Itoa(ContainerPort), DebugAddr: ContainerDebug}
	uploads := []*container.ContainerUpload{}
	volumes := []*container.ContainerVolumes{{VolumeName: r.DataVolume.Name(), ContainerPath: jsii.String(ContainerRootDir)}}
	if props.HTPasswd != nil {
		settings.HTPasswdPath, settings.Realm = ContainerHTPasswd, props.Project+" registry"
		uploads = append(uploads, &container.ContainerUpload{File: jsii.String(ContainerHTPasswd), Content: props.HTPasswd})
	}
	if props.TLS.Enabled() {
		settings.TLSCert, settings.TLSKey = containerTLSCert, containerTLSKey
		volumes = append(volumes,
			&container.ContainerVolumes{HostPath: jsii.String(props.TLS.CertFile), ContainerPath: jsii.String(containerTLSCert), ReadOnly: jsii.Bool(true)},
			&container.ContainerVolumes{HostPath: jsii.String(props.TLS.KeyFile), ContainerPath: jsii.String(containerTLSKey), ReadOnly: jsii.Bool(true)})
	}
	uploads = append(uploads, &container.ContainerUpload{File: jsii.String(ContainerConfig), Content: tfstring.Literal(registryconfig.Config(settings))})
	cfg := &container.ContainerConfig{
		Name:  jsii.String(ContainerName(props.Project)),
		Image: r.Image.ImageId(),
		Ports: &[]*container.ContainerPorts{{
			Internal: jsii.Number(ContainerPort), External: jsii.Number(float64(props.Port)), Ip: jsii.String(props.BindAddress),
		}},
		Volumes: &volumes,
		Upload:  &uploads,
		Healthcheck: &container.ContainerHealthcheck{
			// The debug server answers on loopback inside the container only.
			// Docker 20.10 runs the first check one interval after the start,
			// and the deploy waits for it: keep the interval short.
			Test:     jsii.Strings("CMD", "wget", "-q", "-O", "/dev/null", "http://"+ContainerDebug+"/debug/health"),
			Interval: jsii.String("10s"), Timeout: jsii.String("5s"), Retries: jsii.Number(3), StartPeriod: jsii.String("10s"),
		},
		// Pushes depend on this container: it counts as created only once
		// the registry answers, so no push meets a closed port.
		Wait:                jsii.Bool(true),
		WaitTimeout:         jsii.Number(120),
		DestroyGraceSeconds: jsii.Number(30),
		// It runs as root, but owns every file it touches and listens
		// above 1024: no capability is needed.
		Capabilities: dockercontainer.OnlyCapabilities(),
	}
	if props.TLS.Enabled() {
		// The key is the host's file, owned by whoever the host says and
		// perhaps readable by its owner alone: root reads it through
		// DAC_READ_SEARCH (reading only, never writing).
		cfg.Capabilities = dockercontainer.OnlyCapabilities("DAC_READ_SEARCH")
	}
	dockercontainer.ReadOnlyRoot(cfg, dockercontainer.DefaultWritablePaths, dockercontainer.Files{Scope: c, ID: idContainer + "-files", Prefix: ContainerName(props.Project), Labels: props.Labels})
	dockercontainer.LimitMemory(cfg, MemoryMiB)
	return dockercontainer.New(c, idContainer, dockercontainer.Props{
		Config: cfg, Shared: dockercontainer.Shared{Network: props.Network, Aliases: []string{"registry"}, Options: props.Options},
		DockerHost: props.DockerHost, ReadyTimeoutSeconds: 180,
	})
}

// MemoryMiB limits the registry, and BackupMemoryMiB its backup
// sidecar (tar and gzip streaming between volumes).
const (
	MemoryMiB       = 256
	BackupMemoryMiB = 128
)

// backupCapabilities are busybox crond's: it sets the job's groups and
// user (root's own) before running it, which needs SETGID and SETUID even
// for root. The jobs read and write root's files in the volumes.
var backupCapabilities = []string{"SETGID", "SETUID"}

func newBackupContainer(c constructs.Construct, r *Registry, props Props) (container.Container, error) {
	cfg := &container.ContainerConfig{
		Name:    jsii.String(props.Project + "-registry-backup"),
		Image:   r.BackupImage.ImageId(),
		Command: jsii.Strings("crond", "-f", "-l", "8"),
		// crond as process 1 ignores SIGTERM; Docker's init forwards it.
		Init: jsii.Bool(true),
		// It only moves files between volumes: no network at all.
		NetworkMode: jsii.String("none"),
		Env: jsii.Strings("DATA_DIR="+sidecarDataDir, "BACKUP_DIR="+SidecarBackupDir,
			"KEEP="+strconv.Itoa(props.Backup.Keep)),
		Volumes: &[]*container.ContainerVolumes{
			// Read-write so registry-restore can run here with the registry stopped.
			{VolumeName: r.DataVolume.Name(), ContainerPath: jsii.String(sidecarDataDir)},
			{VolumeName: r.BackupVolume.Name(), ContainerPath: jsii.String(SidecarBackupDir)},
		},
		Upload: &[]*container.ContainerUpload{
			{File: jsii.String("/etc/crontabs/root"), Content: tfstring.Literal(crontab(props.Backup.Schedule))},
			{File: jsii.String(BackupCommand), Content: tfstring.Literal(BackupScript), Executable: jsii.Bool(true)},
			{File: jsii.String(RestoreCommand), Content: tfstring.Literal(RestoreScript), Executable: jsii.Bool(true)},
		},
		Healthcheck: &container.ContainerHealthcheck{
			Test: jsii.Strings("CMD", "pgrep", "crond"),
			// Durations as Docker reads them back ("1m" would read "1m0s"
			// and show a change on every plan).
			Interval: jsii.String("1m0s"), Timeout: jsii.String("5s"), Retries: jsii.Number(3),
		},
		DestroyGraceSeconds: jsii.Number(10),
		Capabilities:        dockercontainer.OnlyCapabilities(backupCapabilities...),
	}
	dockercontainer.ReadOnlyRoot(cfg, dockercontainer.DefaultWritablePaths, dockercontainer.Files{Scope: c, ID: idBackupContainer + "-files", Prefix: props.Project + "-registry-backup", Labels: props.Labels})
	dockercontainer.LimitMemory(cfg, BackupMemoryMiB)
	b, err := dockercontainer.New(c, idBackupContainer, dockercontainer.Props{Config: cfg, Shared: dockercontainer.Shared{Options: props.Options}})
	if err != nil {
		return nil, err
	}
	return b.Container, nil
}

// ContainerName is the registry container's name: <project>-registry.
func ContainerName(project string) string { return project + "-registry" }

// DataVolumeName is the registry's storage volume.
func DataVolumeName(project string) string { return project + "-registry-data" }

// Address is where images are pushed and pulled on the server.
func (r *Registry) Address() string { return r.address }

// InternalURL is where containers on the platform network reach the
// registry's API.
func (r *Registry) InternalURL() string {
	return r.scheme + "://" + ContainerName(r.project) + ":" + strconv.Itoa(ContainerPort)
}

// URL is the registry's address with its scheme, as the docker provider's
// registry_auth needs it (without a scheme it speaks HTTPS).
func (r *Registry) URL() string { return r.scheme + "://" + r.address }

// ImageRef names an image in this registry; see the package ImageRef.
func (r *Registry) ImageRef(ns Namespace, app, tag string) (string, error) {
	ref, err := ImageRef(r.address, ns, app, tag)
	if err != nil || r.prefix == "" {
		return ref, err
	}
	return r.address + "/" + r.prefix + ref[len(r.address)+1:], nil
}

func (p *Props) defaults() {
	set := func(f *string, v string) {
		if *f == "" {
			*f = v
		}
	}
	set(&p.Image, DefaultImage)
	set(&p.BackupImage, DefaultBackupImage)
	set(&p.Backup.Schedule, DefaultBackupSchedule)
	if p.Backup.Keep == 0 {
		p.Backup.Keep = DefaultBackupKeep
	}
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Ref("Network", p.Network)
	check.Port("Port", p.Port)
	check.Min("Backup.Keep", p.Backup.Keep, 1)
	check.Claim("container", ContainerName(p.Project))
	return check.Err()
}
