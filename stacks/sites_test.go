package stacks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/contenthash"
)

func TestOnPremSite(t *testing.T) {
	s := plain.Stacks["onprem"]
	context := filepath.Join(plain.Dir, "build", "site-web")
	for file, want := range map[string]string{
		"Dockerfile":                  clientsite.Dockerfile,
		"html/index.html":             "<!doctype html><title>shop</title>\n",
		"html/assets/app.0123abcd.js": "console.log('shop');\n",
	} {
		got, err := os.ReadFile(filepath.Join(context, file))
		if err != nil || string(got) != want {
			t.Errorf("build context %s = %q (%v), want %q", file, got, err, want)
		}
	}
	conf, err := os.ReadFile(filepath.Join(context, "default.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(conf), "set $api_upstream http://shop-proxy:8100;") || !strings.Contains(string(conf), "listen 8080;") {
		t.Errorf("nginx config lacks the API upstream or the unprivileged port:\n%s", conf)
	}
	hash, err := contenthash.Dir(context)
	if err != nil {
		t.Fatal(err)
	}
	build := s.Resources("docker_image")[idOf(t, s, "docker_image", "name", "127.0.0.1:5000/site/web:src-"+hash[:12])]
	eq(t, build, "build.context", context)
	c := appContainer(t, s, "web")
	// Like an API, the site is held to its app's size.memory, without swap.
	eq(t, c, "memory", 512)
	eq(t, c, "memory_swap", 512)
	eq(t, c, "healthcheck.test", []any{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"})
	// The site starts once its API serves through the proxy.
	gate := gateOf(t, s, appContainerID(t, s, "orders"))
	eq(t, c, "depends_on", []any{"terraform_data." + gate})
	eq(t, s.Outputs(), "site_urls.value.web", "http://127.0.0.1:80")
}
