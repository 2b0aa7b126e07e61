package monitoring

import (
	"errors"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// Props configures the monitoring.
type Props struct {
	// Project names the containers (<project>-prometheus, ...) and
	// volumes. Required.
	Project string
	// Environment labels every alert (environment="staging"). Required.
	Environment string
	// Network is the platform network; every target is reached on it.
	// Required.
	Network *dockernetwork.Network
	// Targets are probed. Required: at least one.
	Targets []Target
	// Settings are the intervals, thresholds and ports; zero fields take
	// alerting.Home's defaults.
	Settings alerting.Home
	// Receivers are told of every alert. Default none: the alerts show in
	// Alertmanager's UI and `status` only.
	Receivers Receivers
	// SMTPPassword is the SMTP login's password (a sensitive variable's
	// value). Required when Settings.SMTP.Username is set.
	SMTPPassword *string
	// BackupVolume is the PostgreSQL backup volume's name; the node
	// exporter reads the backup job's result from it (read-only). Default
	// none: no backup alerts.
	BackupVolume *string
	// Options are the log rotation and labels. Defaults: see
	// dockercontainer.Options.
	dockercontainer.Options
}

// Monitoring is the four containers and their rendered configuration.
type Monitoring struct {
	constructs.Construct
	Prometheus, Alertmanager, Blackbox, NodeExporter container.Container
	// PrometheusConfig, RulesConfig and AlertmanagerConfig are the files
	// as uploaded (the SMTP password as SMTPPasswordPlaceholder).
	PrometheusConfig, RulesConfig, AlertmanagerConfig string
}

// New runs Prometheus, Alertmanager, the blackbox exporter and the node
// exporter, each as nobody, without capabilities or privilege gain,
// their UIs on the server's loopback only.
func New(scope constructs.Construct, id string, props Props) (*Monitoring, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	h := props.Settings
	m := &Monitoring{
		Construct:          c,
		PrometheusConfig:   PrometheusConfig(props.Project, props.Environment, h, props.Targets),
		RulesConfig:        RulesFile(h),
		AlertmanagerConfig: AlertmanagerConfig(h, props.Receivers),
	}
	var failed []error
	run := func(id, name, img string, memoryMiB int, cfg *container.ContainerConfig) container.Container {
		cfg.Name = jsii.String(name)
		cfg.Image = image.NewImage(c, jsii.String(id+"-image"), &image.ImageConfig{Name: jsii.String(img), KeepLocally: jsii.Bool(true)}).ImageId()
		// The images run as nobody and need no capability
		// (dockercontainer adds no-new-privileges).
		cfg.Capabilities = dockercontainer.OnlyCapabilities()
		dockercontainer.ReadOnlyRoot(cfg, dockercontainer.DefaultWritablePaths, dockercontainer.Files{Scope: c, ID: id + "-files", Prefix: name, Labels: props.Labels})
		dockercontainer.LimitMemory(cfg, memoryMiB)
		cfg.DestroyGraceSeconds = jsii.Number(10)
		made, err := dockercontainer.New(c, id, dockercontainer.Props{Config: cfg, Shared: dockercontainer.Shared{Network: props.Network, Options: props.Options}})
		if err != nil {
			failed = append(failed, err)
			return nil
		}
		return made.Container
	}
	dataVolume := func(id, name string) *string {
		return volume.NewVolume(c, jsii.String(id), &volume.VolumeConfig{
			Name: jsii.String(name), Labels: dockerlabels.Volume(props.Labels),
		}).Name()
	}
	healthCheck := func(port int, path string) *container.ContainerHealthcheck {
		return &container.ContainerHealthcheck{
			Test:     jsii.Strings("CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:"+strconv.Itoa(port)+path),
			Interval: jsii.String("30s"), Timeout: jsii.String("5s"), Retries: jsii.Number(3),
		}
	}
	published := func(internal, external int) *[]*container.ContainerPorts {
		return &[]*container.ContainerPorts{{Internal: jsii.Number(float64(internal)), External: jsii.Number(float64(external)), Ip: jsii.String("127.0.0.1")}}
	}

	m.Blackbox = run("blackbox", BlackboxName(props.Project), BlackboxImage, ExporterMemoryMiB, &container.ContainerConfig{
		Upload:      &[]*container.ContainerUpload{{File: jsii.String(blackboxConfig), Content: tfstring.Literal(blackboxModules)}},
		Healthcheck: healthCheck(blackboxPort, "/metrics"),
	})

	nodeCfg := &container.ContainerConfig{
		// Only what is watched: the backup job's result and the free space
		// of the file system the volumes live on.
		Command: jsii.Strings("--collector.disable-defaults", "--collector.filesystem", "--collector.textfile",
			"--collector.textfile.directory="+BackupMount+"/"+alerting.BackupMetricsDir),
		Healthcheck: healthCheck(nodeExporterPort, "/metrics"),
	}
	if props.BackupVolume != nil {
		nodeCfg.Volumes = &[]*container.ContainerVolumes{{VolumeName: props.BackupVolume, ContainerPath: jsii.String(BackupMount), ReadOnly: jsii.Bool(true)}}
	}
	m.NodeExporter = run("node-exporter", NodeExporterName(props.Project), NodeExporterImage, ExporterMemoryMiB, nodeCfg)

	amConfig := tfstring.Literal(m.AlertmanagerConfig)
	if props.SMTPPassword != nil {
		// A JSON string is a YAML double-quoted scalar: any password fits.
		amConfig = jsii.String(strings.Replace(*amConfig, SMTPPasswordPlaceholder, *cdktf.Fn_Jsonencode(props.SMTPPassword), 1))
	}
	amUploads := []*container.ContainerUpload{{File: jsii.String(alertmanagerConfig), Content: amConfig}}
	if props.Receivers.WebhookCA != "" {
		amUploads = append(amUploads, &container.ContainerUpload{File: jsii.String(webhookCAFile), Content: tfstring.Literal(props.Receivers.WebhookCA)})
	}
	m.Alertmanager = run("alertmanager", alerting.AlertmanagerContainer(props.Project), AlertmanagerImage, AlertmanagerMemoryMiB, &container.ContainerConfig{
		Command: jsii.Strings("--config.file="+alertmanagerConfig, "--storage.path=/alertmanager",
			// One instance: no cluster port listening.
			"--cluster.listen-address="),
		Upload:  &amUploads,
		Volumes: &[]*container.ContainerVolumes{{VolumeName: dataVolume("alertmanager-data", props.Project+"-alertmanager-data"), ContainerPath: jsii.String("/alertmanager")}},
		Ports:   published(alertmanagerPort, h.AlertmanagerPort),
		// A receiver on the server itself (a local relay, ntfy, ...).
		Host:        &[]*container.ContainerHost{{Host: jsii.String(HostGateway), Ip: jsii.String("host-gateway")}},
		Healthcheck: healthCheck(alertmanagerPort, "/-/healthy"),
	})

	m.Prometheus = run("prometheus", PrometheusName(props.Project), PrometheusImage, PrometheusMemoryMiB, &container.ContainerConfig{
		Command: jsii.Strings("--config.file="+prometheusConfig, "--storage.tsdb.path=/prometheus",
			"--storage.tsdb.retention.time="+strconv.Itoa(h.RetentionDays)+"d"),
		Upload: &[]*container.ContainerUpload{
			{File: jsii.String(prometheusConfig), Content: tfstring.Literal(m.PrometheusConfig)},
			{File: jsii.String(rulesFile), Content: tfstring.Literal(m.RulesConfig)},
		},
		Volumes:     &[]*container.ContainerVolumes{{VolumeName: dataVolume("prometheus-data", props.Project+"-prometheus-data"), ContainerPath: jsii.String("/prometheus")}},
		Ports:       published(prometheusPort, h.PrometheusPort),
		Healthcheck: healthCheck(prometheusPort, "/-/healthy"),
	})
	if err := errors.Join(failed...); err != nil {
		return nil, err
	}
	return m, nil
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	p.Settings = p.Settings.WithDefaults()
}

// The containers' memory limits (without swap): Prometheus holds its
// recent samples in memory; the others answer a few requests a minute.
const (
	PrometheusMemoryMiB   = 512
	AlertmanagerMemoryMiB = 128
	ExporterMemoryMiB     = 64
)

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("Environment", p.Environment)
	check.Ref("Network", p.Network)
	if len(p.Targets) == 0 {
		check.Add("Targets", p.Targets, "is required: at least one target to probe")
	}
	for i, t := range p.Targets {
		switch {
		case t.Name == "" || strings.ContainsAny(t.Name, "\"\n"):
			check.Add("Targets["+strconv.Itoa(i)+"].Name", t.Name, "is required, without quotes")
		case t.Kind != KindPostgres && !strings.HasPrefix(t.Address, "http://") && !strings.HasPrefix(t.Address, "https://"):
			check.Add("Targets["+strconv.Itoa(i)+"].Address", t.Address, "must be an http:// or https:// URL for a %s", t.Kind)
		case t.Kind == KindPostgres && !strings.Contains(t.Address, ":"):
			check.Add("Targets["+strconv.Itoa(i)+"].Address", t.Address, "must be host:port")
		}
	}
	for _, pr := range p.Settings.Check(p.Receivers.Email) {
		check.Add("Settings."+pr.Field, pr.Value, "%s", pr.Rule)
	}
	if p.Settings.SMTP.Username != "" && p.SMTPPassword == nil {
		check.Missing("SMTPPassword", true)
	}
	for _, name := range []string{PrometheusName(p.Project), alerting.AlertmanagerContainer(p.Project), BlackboxName(p.Project), NodeExporterName(p.Project)} {
		check.Claim("container", name)
	}
	return check.Err()
}
