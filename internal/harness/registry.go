package harness

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/crypto/bcrypt"

	"github.com/homecloud-dev/fullstack/constructs/onprem/registry/registryconfig"
)

// Registry is Debian's docker-registry (the distribution registry) on
// loopback, with the configuration the registry construct renders: the
// tests' registries and the registry that stands in for ECR's endpoint
// (the emulator serves ECR's API but no registry).
type Registry struct {
	// Dir holds the configuration, Data the storage, Log the output.
	Dir, Data, Config, Log string
	// Addr and Debug are host:port of the registry and its health port.
	Addr, Debug string
	// User and Password are its basic-auth login, when it has one.
	User, Password string
	server         *Server
}

// NewRegistry configures a registry in dir (not started); a user makes it
// require that basic-auth login.
func NewRegistry(dir, user, password string) (*Registry, error) {
	if _, err := exec.LookPath("docker-registry"); err != nil {
		return nil, fmt.Errorf("Debian's docker-registry is not installed (apt-get install docker-registry): %w", err)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	debugPort, err := FreePort()
	if err != nil {
		return nil, err
	}
	r := &Registry{Dir: dir, Data: filepath.Join(dir, "data"), Config: filepath.Join(dir, "config.yml"), Log: filepath.Join(dir, "registry.log"),
		Addr: fmt.Sprintf("127.0.0.1:%d", port), Debug: fmt.Sprintf("127.0.0.1:%d", debugPort), User: user, Password: password}
	if err := os.MkdirAll(r.Data, 0o755); err != nil {
		return nil, err
	}
	s := registryconfig.Settings{RootDir: r.Data, Addr: r.Addr, DebugAddr: r.Debug}
	if user != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		s.HTPasswdPath, s.Realm = filepath.Join(dir, "htpasswd"), "test registry"
		if err := os.WriteFile(s.HTPasswdPath, []byte(user+":"+string(hash)+"\n"), 0o600); err != nil {
			return nil, err
		}
	}
	return r, os.WriteFile(r.Config, []byte(registryconfig.Config(s)), 0o644)
}

// Start serves the registry and waits until its health endpoint answers.
func (r *Registry) Start() error {
	srv, err := StartServer(exec.Command("docker-registry", "serve", r.Config), r.Log, r.Addr)
	if err != nil {
		return err
	}
	r.server = srv
	resp, err := http.Get("http://" + r.Debug + "/debug/health")
	if err != nil {
		return fmt.Errorf("registry health endpoint: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("registry health endpoint answered %s", resp.Status)
	}
	return nil
}

// Stop stops it (its data stays).
func (r *Registry) Stop() {
	if r.server != nil {
		r.server.Stop()
		r.server = nil
	}
}
