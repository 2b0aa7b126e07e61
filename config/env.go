package config

import "os"

// ProjectFile is the project file to read when no -project flag is given:
// $FULLSTACK_PROJECT, else DefaultFile.
func ProjectFile() string {
	if p := os.Getenv("FULLSTACK_PROJECT"); p != "" {
		return p
	}
	return DefaultFile
}

// ApplyEnv applies the settings the environment overrides without editing
// the project file: FULLSTACK_AWS_ENDPOINT (cloud.emulator.endpoint),
// FULLSTACK_AWS_CA_BUNDLE (cloud.emulator.ca_bundle) and
// FULLSTACK_DOCKER_HOST (onprem.docker_host).
func ApplyEnv(p *Project, getenv func(string) string) {
	for name, field := range map[string]*string{
		"FULLSTACK_AWS_ENDPOINT":  &p.Cloud.Emulator.Endpoint,
		"FULLSTACK_AWS_CA_BUNDLE": &p.Cloud.Emulator.CABundle,
		"FULLSTACK_DOCKER_HOST":   &p.OnPrem.DockerHost,
	} {
		if v := getenv(name); v != "" {
			*field = v
		}
	}
}
