package alerting

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Home is the project file's onprem.monitoring: section, the home
// server's Prometheus, Alertmanager, blackbox exporter and node exporter.
// They send to the same receivers as AWS (Settings.Email and Webhooks).
type Home struct {
	// Disabled leaves the monitoring containers out. Default false: they
	// run whenever the stack has apps.
	Disabled bool `yaml:"disabled"`
	// PrometheusPort and AlertmanagerPort publish their web UIs and APIs
	// on the server's loopback only. Defaults 9090 and 9093.
	PrometheusPort   int `yaml:"prometheus_port"`
	AlertmanagerPort int `yaml:"alertmanager_port"`
	// ProbeInterval is how often each app, site, the registry and
	// PostgreSQL are probed, and every metric scraped (the rules are
	// evaluated every 5 s). Default "15s".
	ProbeInterval string `yaml:"probe_interval"`
	// DownAfter is how long a probe fails before it alerts. Default "30s":
	// with the defaults, an app that stops is reported within about a
	// minute.
	DownAfter string `yaml:"down_after"`
	// RetentionDays keeps Prometheus's history. Default 15.
	RetentionDays int `yaml:"retention_days"`
	// BackupOverdueHours: an alert fires when the last successful
	// PostgreSQL backup is older (a backup that silently stopped). Default
	// 26: a daily backup plus two hours.
	BackupOverdueHours int `yaml:"backup_overdue_hours"`
	// DiskFreePercent: an alert fires when the file system holding the
	// Docker volumes has less free space. Default 10.
	DiskFreePercent float64 `yaml:"disk_free_percent"`
	// WebhookCAFile is a PEM file (relative to the project file) of the
	// certificate authorities Alertmanager trusts for the webhooks, for a
	// receiver on your own network with its own CA. Default none: the
	// system's roots. SNS on AWS needs a publicly trusted certificate.
	WebhookCAFile string `yaml:"webhook_ca_file"`
	// SMTP sends the alert emails. Required when alerts.email lists an
	// address (SNS mails on AWS; at home Alertmanager needs a server).
	SMTP SMTP `yaml:"smtp"`
}

// SMTP is the mail server Alertmanager sends through. Its password is the
// sensitive variable onprem_smtp_password (TF_VAR_onprem_smtp_password),
// when Username is set.
type SMTP struct {
	// Smarthost is host:port, e.g. smtp.example.com:587 (STARTTLS is
	// required). Required with alerts.email.
	Smarthost string `yaml:"smarthost"`
	// From is the sender address. Required with alerts.email.
	From string `yaml:"from"`
	// Username logs in to Smarthost. Default none: no login.
	Username string `yaml:"username"`
}

// The defaults of Home.
const (
	DefaultPrometheusPort     = 9090
	DefaultAlertmanagerPort   = 9093
	DefaultProbeInterval      = "15s"
	DefaultDownAfter          = "30s"
	DefaultRetentionDays      = 15
	DefaultBackupOverdueHours = 26
	DefaultDiskFreePercent    = 10.0
)

// WithDefaults returns h with every zero field at its default.
func (h Home) WithDefaults() Home {
	setDefault(&h.PrometheusPort, DefaultPrometheusPort)
	setDefault(&h.AlertmanagerPort, DefaultAlertmanagerPort)
	setDefault(&h.RetentionDays, DefaultRetentionDays)
	setDefault(&h.BackupOverdueHours, DefaultBackupOverdueHours)
	setDefault(&h.ProbeInterval, DefaultProbeInterval)
	setDefault(&h.DownAfter, DefaultDownAfter)
	setDefault(&h.DiskFreePercent, DefaultDiskFreePercent)
	return h
}

// Check returns every problem of h (after WithDefaults; fields relative
// to onprem.monitoring.), at once. emails are alerts.email: home delivery
// needs SMTP for them.
func (h Home) Check(emails []string) []Problem {
	var out []Problem
	add := func(field string, value any, rule string, args ...any) {
		out = append(out, Problem{Field: field, Value: value, Rule: fmt.Sprintf(rule, args...)})
	}
	for field, port := range map[string]int{"prometheus_port": h.PrometheusPort, "alertmanager_port": h.AlertmanagerPort} {
		if port < 1 || port > 65535 {
			add(field, port, "is not a TCP port (1-65535)")
		}
	}
	if h.PrometheusPort == h.AlertmanagerPort {
		add("alertmanager_port", h.AlertmanagerPort, "conflicts with prometheus_port: each published port must be unique on the host")
	}
	interval, err := time.ParseDuration(h.ProbeInterval)
	if err != nil || interval < 5*time.Second || interval > 5*time.Minute || interval%time.Second != 0 {
		add("probe_interval", h.ProbeInterval, "must be whole seconds from 5s to 5m (e.g. 15s)")
	}
	down, err := time.ParseDuration(h.DownAfter)
	if err != nil || down < 0 || down > time.Hour || down%time.Second != 0 {
		add("down_after", h.DownAfter, "must be whole seconds from 0s to 1h (e.g. 30s)")
	}
	if h.RetentionDays < 1 {
		add("retention_days", h.RetentionDays, "must be at least 1 day")
	}
	if h.BackupOverdueHours < 1 {
		add("backup_overdue_hours", h.BackupOverdueHours, "must be at least 1 hour")
	}
	if h.DiskFreePercent <= 0 || h.DiskFreePercent >= 100 {
		add("disk_free_percent", h.DiskFreePercent, "is a percentage: more than 0, less than 100")
	}
	s := h.SMTP
	if s.Smarthost != "" {
		if host, port, err := net.SplitHostPort(s.Smarthost); err != nil || host == "" || !validPort(port) {
			add("smtp.smarthost", s.Smarthost, "is not host:port (e.g. smtp.example.com:587)")
		}
	}
	if s.From != "" {
		if rule := EmailRule(s.From); rule != "" {
			add("smtp.from", s.From, "%s", rule)
		}
	}
	if (s.Smarthost == "") != (s.From == "") || s.Username != "" && s.Smarthost == "" {
		add("smtp", fmt.Sprintf("smarthost=%q from=%q", s.Smarthost, s.From), "needs both smarthost and from")
	}
	if len(emails) > 0 && !h.Disabled && s.Smarthost == "" {
		add("smtp.smarthost", "", "is required: alerts.email lists %d address(es), and the home server's Alertmanager sends mail through an SMTP server (or set onprem.monitoring.disabled)", len(emails))
	}
	return out
}

// Seconds returns d (a valid ProbeInterval or DownAfter) in whole seconds.
func Seconds(d string) int {
	v, _ := time.ParseDuration(d)
	return int(v / time.Second)
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

// The PostgreSQL backup job's result, as it writes it for the node
// exporter's textfile collector (a .prom file in BackupMetricsDir of the
// backup volume), and as the home alert rules read it.
const (
	BackupMetricsDir = "metrics"
	// MetricBackupSuccess is 1 when the last run dumped every database and
	// the globals, else 0.
	MetricBackupSuccess = "fullstack_backup_last_run_success"
	// MetricBackupLastSuccess is the Unix time of the last good run.
	MetricBackupLastSuccess = "fullstack_backup_last_success_timestamp_seconds"
	// MetricBackupLastRun is the Unix time of the last run, good or not.
	MetricBackupLastRun = "fullstack_backup_last_run_timestamp_seconds"
	// MetricBackupSchedulerStart is when the daily schedule started; it
	// stands in for the last success until the first backup.
	MetricBackupSchedulerStart = "fullstack_backup_scheduler_start_timestamp_seconds"
	// MetricOffsiteSuccess is 1 when the last off-site copy (restic
	// backup, forget and check) succeeded, else 0; absent without one.
	MetricOffsiteSuccess = "fullstack_offsite_last_run_success"
	// MetricDrillSuccess is 1 when the last restore drill brought every
	// table back as at backup time, else 0.
	MetricDrillSuccess = "fullstack_restore_drill_last_run_success"
)
