package monitoring

import (
	"net"
	"strconv"

	"github.com/homecloud-dev/fullstack/pinned"
)

// The official images, pinned.
const (
	PrometheusImage   = pinned.Prometheus
	AlertmanagerImage = pinned.Alertmanager
	BlackboxImage     = pinned.Blackbox
	NodeExporterImage = pinned.NodeExporter
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

// PrometheusName, BlackboxName and NodeExporterName are the containers'
// names beside Alertmanager's (alerting.AlertmanagerContainer, which
// rollouts and previews notify).
func PrometheusName(project string) string   { return project + "-prometheus" }
func BlackboxName(project string) string     { return project + "-blackbox" }
func NodeExporterName(project string) string { return project + "-node-exporter" }

// hostPort is host:port for a scrape target.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
