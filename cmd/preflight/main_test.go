package main

import (
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
)

func TestCheckReportsEveryProblemAtOnce(t *testing.T) {
	p := &config.Project{Name: "shop", Apps: []config.App{{Name: "orders", Kind: config.KindAPI, Database: config.AppDatabase{Enabled: true}}}}
	p.OnPrem.DockerHost = "unix:///nonexistent/docker.sock"
	env := map[string]string{"TF_VAR_onprem_postgres_password": "short"}
	err := check(p, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
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
