package monitoring

import (
	"strconv"

	"github.com/homecloud-dev/fullstack/alerting"
)

// The official images, pinned.
const (
	PrometheusImage   = "prom/prometheus:v2.55.1"
	AlertmanagerImage = "prom/alertmanager:v0.27.0"
	BlackboxImage     = "prom/blackbox-exporter:v0.25.0"
	NodeExporterImage = "prom/node-exporter:v1.8.2"
)

// Ports inside the containers.
const (
	prometheusPort   = 9090
	alertmanagerPort = 9093
	blackboxPort     = 9115
	nodeExporterPort = 9100
)

// Files inside the containers.
const (
	prometheusConfig   = "/etc/prometheus/prometheus.yml"
	rulesFile          = "/etc/prometheus/rules.yml"
	alertmanagerConfig = "/etc/alertmanager/alertmanager.yml"
	webhookCAFile      = "/etc/alertmanager/webhook-ca.pem"
	blackboxConfig     = "/etc/blackbox_exporter/config.yml"
	// BackupMount is where the node exporter reads the backup volume; the
	// backup job writes its result to BackupMetricsDir in it.
	BackupMount = "/backup"
)

// HostGateway is the name the Alertmanager container reaches the server
// itself by (Docker's host-gateway), for a receiver running on the host.
const HostGateway = "host.docker.internal"

// AlertmanagerName is the Alertmanager container of project's staging:
// previews and rollouts notify it.
func AlertmanagerName(project string) string { return alerting.AlertmanagerContainer(project) }

// PrometheusName, BlackboxName and NodeExporterName are the other
// containers' names.
func PrometheusName(project string) string   { return project + "-prometheus" }
func BlackboxName(project string) string     { return project + "-blackbox" }
func NodeExporterName(project string) string { return project + "-node-exporter" }

func hostPort(host string, port int) string { return host + ":" + strconv.Itoa(port) }
