package stacks_test

import (
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/stacks"
)

// synthPreview synthesizes pull request 42's preview of the test project.
func synthPreview(t *testing.T) (*synth.Stack, string) {
	t.Helper()
	dir := t.TempDir()
	out, err := synth.ProjectWith(project(nil), dir, stacks.Options{Preview: 42})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Stacks) != 1 {
		t.Fatalf("a preview synthesis made stacks %v, want only preview-42", out.Stacks)
	}
	return out.Stacks["preview-42"], dir
}

func TestPreviewManagesNothingOfThePlatform(t *testing.T) {
	s, dir := synthPreview(t)
	for _, typ := range []string{"docker_network", "docker_volume"} {
		for id, r := range s.Resources(typ) {
			// Its own containers' uploads are its own (dockercontainer.ReadOnlyRoot).
			if !strings.Contains(labelsOf(t, r), dockercontainer.FilesLabel) {
				t.Errorf("the preview manages %s.%s (the platform's are staging's)", typ, id)
			}
		}
	}
	if n := s.Data("docker_network"); len(n) != 1 {
		t.Errorf("the preview reads %d networks, want staging's platform network", len(n))
	}
	for id, c := range s.Resources("docker_container") {
		name := c["name"].(string)
		if !strings.Contains(name, `"shop-pr-42-`) {
			t.Errorf("container %s is named %s, want shop-pr-42-…", id, name)
		}
		if labels := labelsOf(t, c); !strings.Contains(labels, "environment=pr-42") || !strings.Contains(labels, "fullstack.preview=42") || !strings.Contains(labels, "project=shop") {
			t.Errorf("container %s labels %s", id, labels)
		}
		if p := c["ports"]; p != nil {
			t.Errorf("container %s publishes %v: a preview is reached through the proxy", id, p)
		}
	}
	if got := appContainer(t, s, "orders")["memory"]; got != float64(512) {
		t.Errorf("the preview's API memory limit is %v, want the app's 512 MiB", got)
	}
	// A preview yields to staging: a quarter of its CPU weight when the
	// server is busy, a bounded share of PostgreSQL's connections.
	for _, app := range []string{"orders", "ranker", "web"} {
		if got := appContainer(t, s, app)["cpu_shares"]; got != float64(config.DefaultPreviewCPUShares) {
			t.Errorf("the preview's %s has cpu_shares %v, want %d", app, got, config.DefaultPreviewCPUShares)
		}
		if got := appContainer(t, plain.Stacks["onprem"], app)["cpu_shares"]; got != nil {
			t.Errorf("staging's %s has cpu_shares %v, want Docker's default", app, got)
		}
	}
	for id, r := range s.Resources("postgresql_role") {
		if r["connection_limit"] != float64(config.DefaultPreviewConnectionLimit) {
			t.Errorf("preview role %s: connection_limit %v, want %d", id, r["connection_limit"], config.DefaultPreviewConnectionLimit)
		}
	}
	for id, r := range s.Resources("docker_registry_image") {
		if r["keep_remotely"] != false {
			t.Errorf("%s keeps its image in the registry after the preview is gone", id)
		}
	}
	for id, r := range s.Resources("docker_image") {
		if r["keep_locally"] != false {
			t.Errorf("%s keeps its image on the engine after the preview is gone", id)
		}
		if name, _ := r["name"].(string); strings.HasPrefix(name, "127.0.0.1") && !strings.Contains(name, "/pr-42/") {
			t.Errorf("%s pushes %s, outside the preview's repositories", id, name)
		}
	}
	for _, typ := range []string{"postgresql_role", "postgresql_database"} {
		for id, r := range s.Resources(typ) {
			if r["name"] != "orders_pr_42" && (typ != "postgresql_role" || r["name"] != "orders_pr_42_app") {
				t.Errorf("%s %s is named %v, want orders_pr_42 (or the app role orders_pr_42_app)", typ, id, r["name"])
			}
		}
	}
	if path := s.Terraform()["backend"].(map[string]any)["local"].(map[string]any)["path"]; path != filepath.Join(dir, "previews", "pr-42", "terraform.preview-42.tfstate") {
		t.Errorf("state at %v, want the preview's own folder", path)
	}
	outs := s.Outputs()
	if got := outs[stacks.PreviewURLOutput].(map[string]any)["value"]; got != "http://pr-42.localhost:8090" {
		t.Errorf("preview_url %v", got)
	}
	urls := outs[stacks.PreviewURLsOutput].(map[string]any)["value"].(map[string]any)
	if urls["orders"] != "http://orders.pr-42.localhost:8090" || urls["web"] != "http://web.pr-42.localhost:8090" {
		t.Errorf("preview_urls %v", urls)
	}
}

func TestPreviewRoutesByHostThroughStagingsProxy(t *testing.T) {
	s, dir := synthPreview(t)
	gate := gateOf(t, s, appContainerID(t, s, "web"))
	env := s.Resources("terraform_data")[gate]["provisioner"].([]any)[0].(map[string]any)["local-exec"].(map[string]any)["environment"].(map[string]any)
	if env["HOSTS"] != "web.pr-42.localhost pr-42.localhost" || env["PROXY"] != "shop-proxy" {
		t.Errorf("the site's gate routes %v through %v, want its host and the preview's front through shop-proxy", env["HOSTS"], env["PROXY"])
	}
	conf, err := os.ReadFile(filepath.Join(dir, "build", "pr-42", "site-web", "default.conf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"set $api_upstream http://shop-proxy:8098;", "proxy_set_header Host orders.pr-42.localhost;"} {
		if !strings.Contains(string(conf), want) {
			t.Errorf("the preview site's nginx lacks %q:\n%s", want, conf)
		}
	}
}

func TestStagingProxyServesPreviews(t *testing.T) {
	// The port is published (TestOnPremServiceBuildPushRun); the server:
	proxy := container(t, plain.Stacks[stacks.OnPremName], "shop-proxy")
	conf := uploads(plain.Stacks[stacks.OnPremName], proxy)["/etc/nginx/conf.d/default.conf"]["content"].(string)
	for _, want := range []string{"map $host $preview_backend", "include " + frontproxy.HostsDir + "/*.conf;", "listen 8098;", `return 404 "no preview answers at $host\n"`} {
		if !strings.Contains(conf, want) {
			t.Errorf("the proxy configuration lacks %q:\n%s", want, conf)
		}
	}
}

func TestPreviewRefusesABadNumber(t *testing.T) {
	for _, n := range []int{-1, 10_000_000} {
		if _, err := synth.ProjectWith(project(nil), t.TempDir(), stacks.Options{Preview: n}); err == nil || !strings.Contains(err.Error(), "a pull request number is 1-9999999") {
			t.Errorf("preview %d: %v", n, err)
		}
	}
}
