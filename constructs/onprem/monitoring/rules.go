package monitoring

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/alerting"
)

// rule is one alerting rule of rules.yml.
type rule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// Rules are the alerts, with their thresholds from h. Every alert has
// labels severity and target, and a summary a person can act on.
func Rules(h alerting.Home) []rule {
	down := h.DownAfter
	probe := func(alert string, kind Kind, severity, summary string) rule {
		return rule{
			Alert: alert, Expr: fmt.Sprintf(`probe_success{kind=%q} == 0`, kind), For: down,
			Labels:      map[string]string{"severity": severity},
			Annotations: map[string]string{"summary": summary, "description": "blackbox probe of {{ $labels.instance }} failed for " + down + " (module {{ $labels.job }})."},
		}
	}
	backup := map[string]string{"severity": "critical", "target": "postgres-backup"}
	return []rule{
		probe("AppDown", KindApp, "critical", "{{ $labels.target }} does not answer its health check through the front proxy"),
		probe("SiteDown", KindSite, "critical", "site {{ $labels.target }} does not answer through the front proxy"),
		probe("RegistryDown", KindRegistry, "warning", "the registry does not answer: deploys and previews cannot push"),
		probe("PostgresDown", KindPostgres, "critical", "PostgreSQL does not accept connections"),
		{
			Alert: "MonitoringTargetDown", Expr: `up{job!~"probe-.*"} == 0`, For: "2m",
			Labels:      map[string]string{"severity": "warning"},
			Annotations: map[string]string{"summary": "Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}"},
		},
		{
			Alert: "ProbesDown", Expr: `up{job=~"probe-.*"} == 0`, For: "2m",
			Labels:      map[string]string{"severity": "critical"},
			Annotations: map[string]string{"summary": "the blackbox exporter does not answer: nothing is being probed"},
		},
		{
			Alert: "BackupFailed", Expr: alerting.MetricBackupSuccess + " == 0",
			Labels:      backup,
			Annotations: map[string]string{"summary": "the last PostgreSQL backup failed: see the postgres-backup container's log"},
		},
		{
			Alert: "BackupOverdue",
			// The scheduler's start stands in until the first backup.
			Expr:        fmt.Sprintf("time() - (%s or %s) > %d", alerting.MetricBackupLastSuccess, alerting.MetricBackupSchedulerStart, h.BackupOverdueHours*3600),
			Labels:      backup,
			Annotations: map[string]string{"summary": fmt.Sprintf("no PostgreSQL backup has succeeded for %d hours", h.BackupOverdueHours)},
		},
		{
			Alert: "OffsiteCopyFailed", Expr: alerting.MetricOffsiteSuccess + " == 0",
			Labels:      backup,
			Annotations: map[string]string{"summary": "the last off-site copy of the backups failed (restic): see the postgres-backup container's log"},
		},
		{
			Alert: "RestoreDrillFailed", Expr: alerting.MetricDrillSuccess + " == 0",
			Labels:      backup,
			Annotations: map[string]string{"summary": "the last restore drill failed: a backup did not restore whole; see the postgres-backup container's log"},
		},
		{
			Alert: "DiskAlmostFull",
			Expr: fmt.Sprintf(`100 * node_filesystem_avail_bytes{mountpoint=%q} / node_filesystem_size_bytes{mountpoint=%q} < %g`,
				BackupMount, BackupMount, h.DiskFreePercent),
			For:         "10m",
			Labels:      map[string]string{"severity": "warning", "target": "docker-volumes"},
			Annotations: map[string]string{"summary": fmt.Sprintf("the disk holding the Docker volumes has less than %g%% free", h.DiskFreePercent)},
		},
	}
}

// RulesFile renders rules.yml.
func RulesFile(h alerting.Home) string {
	return marshal(map[string]any{"groups": []any{map[string]any{"name": "fullstack", "rules": Rules(h)}}})
}
