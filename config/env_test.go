package config

import (
	"strings"
	"testing"
)

func TestApplyEnv(t *testing.T) {
	p := &Project{}
	p.OnPrem.DockerHost = "unix:///var/run/docker.sock"
	p.Cloud.Emulator.CABundle = "/keep.pem"
	env := map[string]string{"FULLSTACK_AWS_ENDPOINT": "http://127.0.0.1:4566", "FULLSTACK_DOCKER_HOST": "ssh://deploy@home"}
	if err := ApplyEnv(p, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if p.Cloud.Emulator.Endpoint != "http://127.0.0.1:4566" || p.OnPrem.DockerHost != "ssh://deploy@home" || p.Cloud.Emulator.CABundle != "/keep.pem" {
		t.Errorf("after ApplyEnv: endpoint %q, docker host %q, CA bundle %q (unset variables must change nothing)",
			p.Cloud.Emulator.Endpoint, p.OnPrem.DockerHost, p.Cloud.Emulator.CABundle)
	}
	// Bad values name the variable, not the project key, and change nothing.
	bad := map[string]string{"FULLSTACK_AWS_ENDPOINT": "localhost:4566", "FULLSTACK_AWS_CA_BUNDLE": "/nonexistent.pem", "FULLSTACK_DOCKER_HOST": "home:2375"}
	before := *p
	err := ApplyEnv(p, func(k string) string { return bad[k] })
	for _, want := range []string{
		`environment FULLSTACK_AWS_ENDPOINT: "localhost:4566" is not an http(s) URL`,
		`environment FULLSTACK_AWS_CA_BUNDLE: "/nonexistent.pem" cannot be read: no such file or directory`,
		`environment FULLSTACK_DOCKER_HOST: "home:2375" must start with one of unix://`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "cloud.emulator") {
		t.Errorf("an environment value is blamed on a project key: %v", err)
	}
	if p.Cloud.Emulator != before.Cloud.Emulator || p.OnPrem.DockerHost != before.OnPrem.DockerHost {
		t.Errorf("a refused environment changed the project: %+v", p.Cloud.Emulator)
	}
	// The off-site copy reads the state through a bind mount: the
	// override may not move the engine elsewhere.
	p.OnPrem.DockerHost = "unix:///var/run/docker.sock"
	p.OnPrem.Offsite.Repository = "s3:https://s3.amazonaws.com/shop-backups"
	err = ApplyEnv(p, func(k string) string { return map[string]string{"FULLSTACK_DOCKER_HOST": "ssh://deploy@home"}[k] })
	if err == nil || !strings.Contains(err.Error(), `environment FULLSTACK_DOCKER_HOST: "ssh://deploy@home" is not a local engine`) || p.OnPrem.DockerHost != "unix:///var/run/docker.sock" {
		t.Errorf("a remote engine with an off-site copy: %v (docker host now %q)", err, p.OnPrem.DockerHost)
	}
	t.Setenv("FULLSTACK_PROJECT", "")
	if got := ProjectFile(); got != DefaultFile {
		t.Errorf("ProjectFile() = %q, want %q", got, DefaultFile)
	}
	t.Setenv("FULLSTACK_PROJECT", "/srv/app/fullstack.yaml")
	if got := ProjectFile(); got != "/srv/app/fullstack.yaml" {
		t.Errorf("ProjectFile() = %q, want FULLSTACK_PROJECT", got)
	}
}
