package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/monitoring"
)

func TestOnPremMonitoringProbesEveryAppThroughTheProxy(t *testing.T) {
	s := plain.Stacks["onprem"]
	prom := container(t, s, "shop-prometheus")
	cfg := fmt.Sprint(uploads(s, prom)["/etc/prometheus/prometheus.yml"]["content"])
	for _, want := range []string{
		"- http://shop-proxy:8100/healthz", // orders, route 0, its health path
		"- http://shop-proxy:8101/healthz", // ranker, route 1
		"- http://shop-proxy:8102/",        // the site, route 2
		"- http://shop-registry:5000/v2/",
		"- shop-postgres:5432",
		"- shop-node-exporter:9100",
		"replacement: shop-blackbox:9115",
		"- shop-alertmanager:9093",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("prometheus.yml lacks %q:\n%s", want, cfg)
		}
	}
	for _, name := range []string{"shop-prometheus", "shop-alertmanager", "shop-blackbox", "shop-node-exporter"} {
		c := container(t, s, name)
		eq(t, c, "security_opts", []any{"no-new-privileges:true"})
		eq(t, c, "capabilities.drop", []any{"ALL"})
		if c["healthcheck"] == nil {
			t.Errorf("%s has no health check", name)
		}
		if ports, ok := c["ports"].([]any); ok {
			eq(t, ports[0].(map[string]any), "ip", "127.0.0.1")
		}
	}
	eq(t, prom, "ports", []any{map[string]any{"internal": float64(9090), "external": float64(alerting.DefaultPrometheusPort), "ip": "127.0.0.1"}})
	node := container(t, s, "shop-node-exporter")
	if v := fmt.Sprint(node["volumes"]); !strings.Contains(v, "docker_volume.postgres-backup_volume") || !strings.Contains(v, "container_path:"+monitoring.BackupMount) || !strings.Contains(v, "read_only:true") {
		t.Errorf("the node exporter does not read the backup volume read-only: %s", v)
	}
}

func TestOnPremRolloutsTellTheAlertmanager(t *testing.T) {
	s := plain.Stacks["onprem"]
	gate := s.Resources("terraform_data")[gateOf(t, s, appContainerID(t, s, "orders"))]
	env := fmt.Sprint(gate["provisioner"])
	if !strings.Contains(env, "ALERTMANAGER:shop-alertmanager") || !strings.Contains(env, "PROJECT:shop") {
		t.Errorf("the rollout gate does not tell the Alertmanager: %s", env)
	}
}

func TestOnPremSMTPPasswordIsASensitiveVariable(t *testing.T) {
	s := secured.Stacks["onprem"]
	am := container(t, s, "shop-alertmanager")
	cfg := fmt.Sprint(uploads(s, am)["/etc/alertmanager/alertmanager.yml"]["content"])
	for _, want := range []string{"smtp_auth_password: ${jsonencode(var." + config.SMTPPasswordVariable + ")}", "smtp_smarthost: smtp.shop.example.com:587",
		"to: ops@shop.example.com", "url: https://hooks.shop.example.com/alerts"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("alertmanager.yml lacks %q:\n%s", want, cfg)
		}
	}
	eq(t, s.Variables(), config.SMTPPasswordVariable+".sensitive", true)
}
