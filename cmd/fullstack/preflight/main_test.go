package preflight

import (
	"io"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
)

func TestCheckReportsEveryProblemAtOnce(t *testing.T) {
	p := &config.Project{Name: "shop", Apps: []config.App{{Name: "orders", Kind: config.KindAPI, Database: config.AppDatabase{Enabled: true}}}}
	p.OnPrem.DockerHost = "unix:///nonexistent/docker.sock"
	env := map[string]string{"TF_VAR_onprem_postgres_password": "short"}
	err := check(io.Discard, p, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil {
		t.Fatal("no problem found")
	}
	for _, want := range []string{
		"TF_VAR_onprem_db_password_orders is not set: export it",
		"TF_VAR_onprem_postgres_password: is too short (5 characters)",
		"onprem.docker_host unix:///nonexistent/docker.sock: no Docker engine answers",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("preflight output lacks %q:\n%v", want, err)
		}
	}
}

func TestTheMonitoringPortsAreChecked(t *testing.T) {
	p := &config.Project{Name: "shop", Apps: []config.App{{Name: "orders", Kind: config.KindAPI}}}
	p.OnPrem.Monitoring = p.OnPrem.Monitoring.WithDefaults()
	fields := func() string {
		var out []string
		for _, hp := range hostPorts(p) {
			out = append(out, hp.field)
		}
		return strings.Join(out, " ")
	}
	if got := fields(); !strings.Contains(got, "onprem.monitoring.prometheus_port") || !strings.Contains(got, "onprem.monitoring.alertmanager_port") {
		t.Errorf("checked ports: %s", got)
	}
	p.OnPrem.Monitoring.Disabled = true
	if got := fields(); strings.Contains(got, "monitoring") {
		t.Errorf("a disabled monitoring's ports are checked: %s", got)
	}
}
