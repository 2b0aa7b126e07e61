package monitoring

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/homecloud-dev/fullstack/alerting"
)

var testTargets = []Target{
	{Kind: KindApp, Name: "notes-api", Address: "http://notes-proxy:8100/healthz"},
	{Kind: KindSite, Name: "notes-web", Address: "http://notes-proxy:8101/"},
	{Kind: KindRegistry, Name: "registry", Address: "http://notes-registry:5000/v2/"},
	{Kind: KindPostgres, Name: "postgres", Address: "notes-postgres:5432"},
}

func TestPrometheusProbesEveryTargetThroughTheBlackboxExporter(t *testing.T) {
	var cfg struct {
		Global struct {
			ScrapeInterval string            `yaml:"scrape_interval"`
			Labels         map[string]string `yaml:"external_labels"`
		} `yaml:"global"`
		Scrape []scrapeJob `yaml:"scrape_configs"`
	}
	h := alerting.Home{ProbeInterval: "20s"}.WithDefaults()
	if err := yaml.Unmarshal([]byte(PrometheusConfig("notes", "staging", h, testTargets)), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Global.ScrapeInterval != "20s" || cfg.Global.Labels["environment"] != "staging" {
		t.Errorf("global: %+v", cfg.Global)
	}
	probed := map[string]string{}
	jobs := map[string]bool{}
	for _, j := range cfg.Scrape {
		jobs[j.JobName] = true
		for _, sc := range j.StaticConfigs {
			for _, target := range sc.Targets {
				probed[sc.Labels["target"]] = j.JobName + " " + target
			}
		}
		if strings.HasPrefix(j.JobName, "probe-") {
			last := j.Relabel[len(j.Relabel)-1]
			if last.TargetLabel != "__address__" || last.Replacement != "notes-blackbox:9115" {
				t.Errorf("%s is not scraped through the blackbox exporter: %+v", j.JobName, j.Relabel)
			}
		}
	}
	for name, want := range map[string]string{
		"notes-api": "probe-http_2xx http://notes-proxy:8100/healthz",
		"notes-web": "probe-http_2xx http://notes-proxy:8101/",
		"registry":  "probe-registry http://notes-registry:5000/v2/",
		"postgres":  "probe-tcp_connect notes-postgres:5432",
	} {
		if probed[name] != want {
			t.Errorf("target %s: %q, want %q", name, probed[name], want)
		}
	}
	for _, job := range []string{"node", "blackbox", "alertmanager", "prometheus"} {
		if !jobs[job] {
			t.Errorf("no scrape job %s", job)
		}
	}
}

func TestRulesTakeTheirThresholdsFromTheSettings(t *testing.T) {
	h := alerting.Home{DownAfter: "45s", BackupOverdueHours: 30, DiskFreePercent: 7.5}.WithDefaults()
	rules := map[string]rule{}
	for _, r := range Rules(h) {
		rules[r.Alert] = r
		if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
			t.Errorf("%s lacks a severity or a summary", r.Alert)
		}
	}
	for alert, want := range map[string]string{
		"AppDown":        `probe_success{kind="app"} == 0 for 45s`,
		"PostgresDown":   `probe_success{kind="postgres"} == 0 for 45s`,
		"BackupFailed":   alerting.MetricBackupSuccess + " == 0 for ",
		"BackupOverdue":  "time() - (" + alerting.MetricBackupLastSuccess + " or " + alerting.MetricBackupSchedulerStart + ") > 108000 for ",
		"DiskAlmostFull": `100 * node_filesystem_avail_bytes{mountpoint="/backup"} / node_filesystem_size_bytes{mountpoint="/backup"} < 7.5 for 10m`,
	} {
		if got := rules[alert].Expr + " for " + rules[alert].For; got != want {
			t.Errorf("%s: %q, want %q", alert, got, want)
		}
	}
}

func TestAlertmanagerTellsEveryReceiverAndEventsAreNotResolved(t *testing.T) {
	h := alerting.Home{SMTP: alerting.SMTP{Smarthost: "smtp.example.com:587", From: "alerts@example.com", Username: "alerts"}}.WithDefaults()
	out := AlertmanagerConfig(h, Receivers{Email: []string{"ops@example.com"}, Webhooks: []string{"https://hooks.example.com/a"}, WebhookCA: "PEM"})
	var cfg struct {
		Global    map[string]any `yaml:"global"`
		Route     map[string]any `yaml:"route"`
		Receivers []struct {
			Name     string           `yaml:"name"`
			Webhooks []map[string]any `yaml:"webhook_configs"`
			Emails   []map[string]any `yaml:"email_configs"`
		} `yaml:"receivers"`
	}
	if err := yaml.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Global["smtp_auth_password"] != SMTPPasswordPlaceholder || cfg.Global["smtp_require_tls"] != true {
		t.Errorf("smtp: %v", cfg.Global)
	}
	resolved := map[string]bool{}
	for _, r := range cfg.Receivers {
		if len(r.Webhooks) != 1 || len(r.Emails) != 1 {
			t.Fatalf("receiver %s: %+v", r.Name, r)
		}
		if r.Webhooks[0]["url"] != "https://hooks.example.com/a" || r.Emails[0]["to"] != "ops@example.com" {
			t.Errorf("receiver %s: %+v", r.Name, r)
		}
		if !strings.Contains(out, webhookCAFile) {
			t.Errorf("the webhook CA is not used")
		}
		resolved[r.Name] = r.Webhooks[0]["send_resolved"] == true && r.Emails[0]["send_resolved"] == true
	}
	if !resolved["home"] || resolved["home-events"] {
		t.Errorf("send_resolved by receiver: %v (states are resolved, events are not)", resolved)
	}
	if !strings.Contains(out, `kind="event"`) {
		t.Errorf("no route for events:\n%s", out)
	}
}
