package config

import "testing"

func TestApplyEnv(t *testing.T) {
	p := &Project{}
	p.OnPrem.DockerHost = "unix:///var/run/docker.sock"
	p.Cloud.Emulator.CABundle = "/keep.pem"
	env := map[string]string{"FULLSTACK_AWS_ENDPOINT": "http://127.0.0.1:4566", "FULLSTACK_DOCKER_HOST": "ssh://deploy@home"}
	ApplyEnv(p, func(k string) string { return env[k] })
	if p.Cloud.Emulator.Endpoint != "http://127.0.0.1:4566" || p.OnPrem.DockerHost != "ssh://deploy@home" || p.Cloud.Emulator.CABundle != "/keep.pem" {
		t.Errorf("after ApplyEnv: endpoint %q, docker host %q, CA bundle %q (unset variables must change nothing)",
			p.Cloud.Emulator.Endpoint, p.OnPrem.DockerHost, p.Cloud.Emulator.CABundle)
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
