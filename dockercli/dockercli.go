// Package dockercli runs the docker CLI against one Docker engine: the
// commands that look at or act on the home server (preflight, preview,
// release) and the tests' private engine share it. It is plain Go (no
// jsii).
package dockercli

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/homecloud-dev/fullstack/naming"
)

// Engine is a Docker engine's address.
type Engine struct {
	// Host is the daemon address for DOCKER_HOST, -H and the docker
	// provider ("unix:///var/run/docker.sock", "ssh://user@host").
	Host string
}

// Docker runs the docker CLI against the engine and returns its stdout; an
// error carries stderr.
func (e Engine) Docker(args ...string) (string, error) {
	cmd := exec.Command("docker", append([]string{"-H", e.Host}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// AppFilters are the docker ps filters for the running containers that
// serve app in project's environment (labels the rollout sets; a
// preview's carry another environment).
func AppFilters(project, environment, app string) []string {
	return []string{"--filter", "status=running", "--filter", "label=project=" + project,
		"--filter", "label=environment=" + environment, "--filter", "label=" + naming.AppLabel + "=" + app}
}
