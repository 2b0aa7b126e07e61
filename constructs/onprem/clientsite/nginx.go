package clientsite

import (
	_ "embed"
	"fmt"
	"strings"
	"text/template"

	"github.com/homecloud-dev/fullstack/constructs/siteheaders"
)

// NginxOptions are the documented knobs of the generated server block.
type NginxOptions struct {
	// Listen is the listen directive's address, e.g. "8080" or
	// "127.0.0.1:8080". Required.
	Listen string
	// Root is the directory holding the build output. Required.
	Root string
	// APIUpstream, when set ("http://host:port"), serves /api/ from it on
	// the same origin, path unchanged. Default empty: no proxy.
	APIUpstream string
	// APIHost is the Host header sent to APIUpstream. Default: the
	// request's own ($host).
	APIHost string
	// Resolver resolves the API's host name at request time, so nginx
	// starts even while the API container is down. Default "127.0.0.11"
	// (Docker's embedded DNS).
	Resolver string
	// AssetMaxAge is the cache lifetime of fingerprinted assets, in
	// seconds. Default 31536000 (a year).
	AssetMaxAge int
	// ContentSecurityPolicy overrides siteheaders.DefaultCSP.
	ContentSecurityPolicy string
}

// HealthPath answers 200 from nginx itself, for the container health check.
const HealthPath = "/healthz"

// staticExtensions are files that must exist: a missing one is a 404, not
// the single-page app's index.html.
const staticExtensions = "js|mjs|css|map|png|jpg|jpeg|gif|svg|ico|webp|avif|woff|woff2|ttf|otf|txt|json|xml|webmanifest"

// NginxConfig renders the server block: single-page-app fallback to
// index.html, a year of caching for fingerprinted assets (a hex hash of 8+
// characters in the name) and no-cache for everything else, gzip, security
// headers on every response, a health endpoint, and optionally /api/.
func NginxConfig(o NginxOptions) string {
	if o.AssetMaxAge == 0 {
		o.AssetMaxAge = 31536000
	}
	if o.APIHost == "" {
		o.APIHost = "$host"
	}
	if o.Resolver == "" {
		o.Resolver = "127.0.0.11"
	}
	if o.ContentSecurityPolicy == "" {
		o.ContentSecurityPolicy = siteheaders.DefaultCSP
	}
	// add_header in a location replaces the inherited ones, so every
	// location repeats the security headers.
	var headers strings.Builder
	for _, h := range siteheaders.Headers(o.ContentSecurityPolicy) {
		fmt.Fprintf(&headers, "        add_header %s %q always;\n", h[0], h[1])
	}
	var b strings.Builder
	// The template and its data are fixed here: executing it cannot fail.
	_ = nginxTemplate.Execute(&b, struct {
		NginxOptions
		HealthPath, StaticExtensions, Headers string
	}{o, HealthPath, staticExtensions, headers.String()})
	return b.String()
}

// nginxTemplate is nginx.conf.tmpl, the server block as nginx reads it.
//
//go:embed nginx.conf.tmpl
var nginxTemplateText string

var nginxTemplate = template.Must(template.New("nginx").Parse(nginxTemplateText))
