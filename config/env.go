package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ProjectFile is the project file to read when no -project flag is given:
// $FULLSTACK_PROJECT, else DefaultFile.
func ProjectFile() string {
	if p := os.Getenv("FULLSTACK_PROJECT"); p != "" {
		return p
	}
	return DefaultFile
}

// envOverride is one setting the environment may override without editing
// the project file, and the rule its value must follow.
type envOverride struct {
	name  string
	field func(*Project) *string
	check func(*Project, string) string // "" when the value is fine
}

var envOverrides = []envOverride{
	{"FULLSTACK_AWS_ENDPOINT", func(p *Project) *string { return &p.Cloud.Emulator.Endpoint }, func(_ *Project, v string) string {
		return endpointRule(v)
	}},
	{"FULLSTACK_AWS_CA_BUNDLE", func(p *Project) *string { return &p.Cloud.Emulator.CABundle }, func(p *Project, v string) string {
		return caBundleRule(p.Cloud.Emulator.Endpoint, v)
	}},
	{"FULLSTACK_DOCKER_HOST", func(p *Project) *string { return &p.OnPrem.DockerHost }, func(p *Project, v string) string {
		if rule := dockerHostRule(v); rule != "" {
			return rule
		}
		if p.OnPrem.Offsite.Enabled() && !strings.HasPrefix(v, "unix://") {
			return offsiteLocalEngineRule
		}
		return ""
	}},
}

// ApplyEnv applies the settings the environment overrides without editing
// the project file: FULLSTACK_AWS_ENDPOINT (cloud.emulator.endpoint),
// FULLSTACK_AWS_CA_BUNDLE (cloud.emulator.ca_bundle) and
// FULLSTACK_DOCKER_HOST (onprem.docker_host). A bad value is reported under
// the variable's name, never the project key it replaces, and changes
// nothing.
func ApplyEnv(p *Project, getenv func(string) string) error {
	next := *p
	var errs []error
	for _, o := range envOverrides {
		if v := getenv(o.name); v != "" {
			*o.field(&next) = v
		}
	}
	for _, o := range envOverrides {
		if v := getenv(o.name); v != "" {
			if rule := o.check(&next, v); rule != "" {
				errs = append(errs, fmt.Errorf("environment %s: %q %s", o.name, v, rule))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	*p = next
	return nil
}

// endpointRule is the rule an emulator endpoint breaks, or "".
func endpointRule(e string) string {
	u, err := url.Parse(e)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "is not an http(s) URL (e.g. https://127.0.0.1:5000)"
	}
	return ""
}

// caBundleRule is the rule an emulator CA bundle breaks, or "".
func caBundleRule(endpoint, bundle string) string {
	if endpoint == "" {
		return "needs cloud.emulator.endpoint (or FULLSTACK_AWS_ENDPOINT): the bundle is only trusted for the emulator"
	}
	if _, err := os.Stat(bundle); err != nil {
		return fmt.Sprintf("cannot be read: %v", errors.Unwrap(err))
	}
	return ""
}

// dockerHostRule is the rule a Docker daemon address breaks, or "".
func dockerHostRule(h string) string {
	if !slices.ContainsFunc(dockerSchemes, func(s string) bool { return strings.HasPrefix(h, s) }) {
		return "must start with one of " + strings.Join(dockerSchemes, ", ")
	}
	return ""
}

// StateDirectory is where the onprem stack keeps its state (and the home
// server its releases): override (FULLSTACK_STATE_DIR) when set, else
// onprem.state_dir with a leading "~/" expanded.
func (o OnPrem) StateDirectory(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	dir := o.StateDir
	if rest, ok := strings.CutPrefix(dir, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("onprem.state_dir %q: no home directory to expand ~ in: %w", dir, err)
		}
		dir = filepath.Join(home, rest)
	}
	return dir, nil
}

// LoadWithEnv is what every command starts with: Load the project file,
// then ApplyEnv; the error says which of the two has problems.
func LoadWithEnv(path string, getenv func(string) string) (*Project, error) {
	p, err := Load(path)
	if err != nil {
		return nil, fmt.Errorf("the project file has problems:\n%w", err)
	}
	if err := ApplyEnv(p, getenv); err != nil {
		return nil, fmt.Errorf("an environment setting has problems:\n%w", err)
	}
	return p, nil
}
