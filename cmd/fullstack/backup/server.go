package backup

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/dockercli"
)

// The commands a round runs in the backup container.
const (
	roundCommand = postgrescluster.RoundCommand
	drillCommand = postgrescluster.DrillCommand
)

// server is the project's home server: its engine and backup container.
type server struct {
	p *config.Project
	// Where the command and what it runs report.
	stdout, stderr io.Writer
}

// docker runs the docker CLI against the project's engine, output to the
// user.
func (s server) docker(args ...string) error {
	cmd := exec.Command("docker", append([]string{"-H", s.p.OnPrem.DockerHost}, args...)...)
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	return cmd.Run()
}

// dockerOutput runs the docker CLI and returns its standard output; an
// error carries its standard error.
func (s server) dockerOutput(args ...string) (string, error) {
	return dockercli.Engine{Host: s.p.OnPrem.DockerHost}.Docker(args...)
}

// exec runs a command in the backup container.
func (s server) exec(args ...string) error {
	name := postgrescluster.BackupName(s.p.Name)
	if err := s.docker(append([]string{"exec", name}, args...)...); err != nil {
		return fmt.Errorf("%s in %s failed (%v): see above", strings.Join(args, " "), name, err)
	}
	return nil
}

func (s server) needOffsite() error {
	if !s.p.OnPrem.Offsite.Enabled() {
		return fmt.Errorf("onprem.offsite.repository is not set in the project file: there is no off-site repository")
	}
	return nil
}

// resticHost names this server's snapshots (as the stack does).
func (s server) resticHost() string { return s.p.OffsiteHost() }

// secretDirs are the directories offsiteSecrets wrote, removed on exit
// and on an interrupt.
var (
	secretDirs   []string
	secretDirsMu sync.Mutex
)

func removeSecrets() {
	secretDirsMu.Lock()
	defer secretDirsMu.Unlock()
	for _, d := range secretDirs {
		os.RemoveAll(d)
	}
	secretDirs = nil
}

// offsiteSecrets writes the repository's password and the bucket's keys,
// from the deploy's variables, into a new private directory (removed by
// removeSecrets when the command ends, interrupted or not). Every missing variable is named
// at once.
func (s server) offsiteSecrets() (string, error) {
	if err := s.needOffsite(); err != nil {
		return "", err
	}
	values := map[string]string{}
	var missing []string
	for _, v := range []string{config.OffsitePasswordVariable, config.OffsiteAccessKeyIDVariable, config.OffsiteSecretAccessKeyVariable} {
		values[v] = os.Getenv("TF_VAR_" + v)
		if values[v] == "" {
			missing = append(missing, "TF_VAR_"+v)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%s not set: export the off-site repository's password and the bucket's keys, as for a deploy", strings.Join(missing, ", "))
	}
	dir, err := os.MkdirTemp("", "fullstack-offsite-")
	if err != nil {
		return "", err
	}
	secretDirsMu.Lock()
	secretDirs = append(secretDirs, dir)
	secretDirsMu.Unlock()
	files := map[string]string{
		"password":    values[config.OffsitePasswordVariable] + "\n",
		"credentials": "[default]\naws_access_key_id = " + values[config.OffsiteAccessKeyIDVariable] + "\naws_secret_access_key = " + values[config.OffsiteSecretAccessKeyVariable] + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}
