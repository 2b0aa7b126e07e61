package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// OnPremSettings are what a local on-prem deploy changes in the
// repository's project file: the Docker host, the state location, the
// project name and the host ports (a shared machine may use the defaults).
type OnPremSettings struct {
	Name, DockerHost, StateDir string
	RegistryPort, PostgresPort int
	APIPort, SitePort          int
	// PreviewPort is the previews' port on the proxy; PreviewMax their
	// limit (0: the default).
	PreviewPort, PreviewMax int
	// PublicKey is release.public_keys' one key (a path outside the
	// checkout, which Checkout replaces); empty: the default.
	PublicKey string
	// PrometheusPort and AlertmanagerPort publish the monitoring.
	PrometheusPort, AlertmanagerPort int
	// Webhook is alerts.webhooks' one receiver, and WebhookCA the PEM
	// its certificate chains to (written beside the project file as
	// onprem.monitoring.webhook_ca_file). Empty: no receiver.
	Webhook, WebhookCA string
	// OffsiteRepository is onprem.offsite.repository. Empty: no off-site
	// copy.
	OffsiteRepository string
}

// webhookCAFile is the webhook CA's file name in the project.
const webhookCAFile = "alerts-webhook-ca.pem"

// FreeOnPremPorts picks seven free host ports.
func FreeOnPremPorts(s *OnPremSettings) error {
	for _, p := range []*int{&s.RegistryPort, &s.PostgresPort, &s.APIPort, &s.SitePort, &s.PreviewPort, &s.PrometheusPort, &s.AlertmanagerPort} {
		port, err := FreePort()
		if err != nil {
			return err
		}
		*p = port
	}
	return nil
}

// WriteOnPremProject writes a fresh copy of the repository's project into
// dir, as a clean clone would hold it: fullstack.yaml with s applied, the
// sample apps and their migrations. dir is replaced.
func WriteOnPremProject(repoRoot, dir string, s OnPremSettings) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, sub := range []string{"apps/notes-api", "apps/notes-web", "migrations/notes-api"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(sub)), 0o755); err != nil {
			return err
		}
		if out, err := exec.Command("cp", "-r", filepath.Join(repoRoot, sub), filepath.Join(dir, sub)).CombinedOutput(); err != nil {
			return fmt.Errorf("copy %s: %w: %s", sub, err, out)
		}
	}
	raw, err := os.ReadFile(filepath.Join(repoRoot, "fullstack.yaml"))
	if err != nil {
		return err
	}
	var project map[string]any
	if err := yaml.Unmarshal(raw, &project); err != nil {
		return err
	}
	project["project"] = s.Name
	onprem := project["onprem"].(map[string]any)
	onprem["docker_host"] = s.DockerHost
	onprem["state_dir"] = s.StateDir
	delete(onprem["network"].(map[string]any), "name") // derived from the project name
	onprem["registry"].(map[string]any)["port"] = s.RegistryPort
	onprem["postgres"].(map[string]any)["port"] = s.PostgresPort
	previews := map[string]any{"port": s.PreviewPort}
	if s.PreviewMax != 0 {
		previews["max"] = s.PreviewMax
	}
	onprem["previews"] = previews
	monitoring := map[string]any{"prometheus_port": s.PrometheusPort, "alertmanager_port": s.AlertmanagerPort}
	onprem["monitoring"] = monitoring
	if s.Webhook != "" {
		project["alerts"] = map[string]any{"webhooks": []string{s.Webhook}}
		if s.WebhookCA != "" {
			if err := os.WriteFile(filepath.Join(dir, webhookCAFile), []byte(s.WebhookCA), 0o644); err != nil {
				return err
			}
			monitoring["webhook_ca_file"] = webhookCAFile
		}
	}
	if s.OffsiteRepository != "" {
		onprem["offsite"] = map[string]any{"repository": s.OffsiteRepository}
	}
	if s.PublicKey != "" {
		project["release"] = map[string]any{"public_keys": []string{s.PublicKey}}
	}
	for _, a := range project["apps"].([]any) {
		app := a.(map[string]any)
		switch app["name"] {
		case "notes-api":
			app["host_port"] = s.APIPort
		case "notes-web":
			app["host_port"] = s.SitePort
		}
	}
	out, err := yaml.Marshal(project)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "fullstack.yaml"), out, 0o644)
}
