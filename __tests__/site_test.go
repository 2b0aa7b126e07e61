package tests

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/siteheaders"
	"github.com/homecloud-dev/fullstack/internal/harness"
)

// TestNginxServesSite runs the generated configuration with Debian's nginx,
// serving the sample front end's build, with /api/ proxied to a stand-in
// upstream that reports the path it received.
func TestNginxServesSite(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		t.Fatalf("nginx is not installed (apt-get install nginx-light): %v", err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "api saw %s", r.URL.Path)
	}))
	defer api.Close()
	dir := t.TempDir()
	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(repoRoot, "apps", "notes-web")
	server := clientsite.NginxConfig(clientsite.NginxOptions{
		Listen: fmt.Sprintf("127.0.0.1:%d", port), Root: root, APIUpstream: api.URL, Resolver: "127.0.0.1",
	})
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // workers must read the test's files
	}
	conf := writeFile(t, filepath.Join(dir, "nginx.conf"), fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
%[3]s
}
`, user, dir, server))
	if out, err := exec.Command("nginx", "-t", "-c", conf, "-p", dir).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t rejects the generated configuration: %v\n%s\n%s", err, out, server)
	}
	srv, err := harness.StartServer(exec.Command("nginx", "-c", conf, "-p", dir), filepath.Join(dir, "nginx.out"), fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	index, _ := os.ReadFile(filepath.Join(root, "index.html"))

	get := func(path string, gz bool) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		var r io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		body, _ := io.ReadAll(r)
		return resp, string(body)
	}
	cases := []struct {
		path        string
		status      int
		body        string // substring; "index" means index.html
		cache       string
		contentType string
	}{
		{"/", 200, "index", "no-cache", "text/html"},
		{"/notes/42/edit", 200, "index", "no-cache", "text/html"}, // deep link
		{"/index.html", 200, "index", "no-cache", "text/html"},
		{"/assets/app.7d41e0c2.js", 200, "replaceChildren", "public, max-age=31536000, immutable", "application/javascript"},
		{"/assets/app.3f9c2a1b.css", 200, "font-family", "public, max-age=31536000, immutable", "text/css"},
		{"/assets/app.0badf00d.js", 404, "", "", ""}, // missing fingerprinted asset
		{"/favicon.png", 404, "", "", ""},            // missing asset is not index.html
		{"/healthz", 200, "ok", "", "text/plain"},
		{"/api/notes?limit=5", 200, "api saw /api/notes", "", ""},
	}
	for _, c := range cases {
		resp, body := get(c.path, false)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.status)
			continue
		}
		want := c.body
		if want == "index" {
			want = string(index)
		}
		if !strings.Contains(body, want) {
			t.Errorf("%s: body lacks %q: %.80s", c.path, want, body)
		}
		if c.cache != "" && resp.Header.Get("Cache-Control") != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, resp.Header.Get("Cache-Control"), c.cache)
		}
		if c.contentType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), c.contentType) {
			t.Errorf("%s: Content-Type %q, want %s", c.path, resp.Header.Get("Content-Type"), c.contentType)
		}
		if strings.HasPrefix(c.path, "/api/") {
			continue // the upstream's own headers
		}
		for _, h := range siteheaders.Headers(siteheaders.DefaultCSP) {
			if got := resp.Header.Get(h[0]); got != h[1] {
				t.Errorf("%s (%d): %s = %q, want %q", c.path, resp.StatusCode, h[0], got, h[1])
			}
		}
		if strings.Contains(resp.Header.Get("Server"), "/") {
			t.Errorf("%s: Server header shows the version: %s", c.path, resp.Header.Get("Server"))
		}
	}
	resp, body := get("/assets/app.7d41e0c2.js", true)
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(body, "replaceChildren") {
		t.Errorf("assets are not gzipped: %v", resp.Header)
	}
}
