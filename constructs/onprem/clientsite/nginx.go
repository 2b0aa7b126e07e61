package clientsite

import (
	"fmt"
	"strings"

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
	if o.Resolver == "" {
		o.Resolver = "127.0.0.11"
	}
	if o.ContentSecurityPolicy == "" {
		o.ContentSecurityPolicy = siteheaders.DefaultCSP
	}
	// add_header in a location replaces the inherited ones, so every
	// location repeats the security headers.
	var sec strings.Builder
	for _, h := range siteheaders.Headers(o.ContentSecurityPolicy) {
		fmt.Fprintf(&sec, "        add_header %s %q always;\n", h[0], h[1])
	}
	headers := sec.String()
	var b strings.Builder
	fmt.Fprintf(&b, `server {
    listen %s;
    server_name _;
    root %s;
    index index.html;
    server_tokens off;
    charset utf-8;

    gzip on;
    gzip_vary on;
    gzip_min_length 256;
    gzip_types text/plain text/css application/javascript application/json image/svg+xml application/xml;

    location = %s {
        access_log off;
        default_type text/plain;
%s        return 200 "ok\n";
    }

    location ~* "\.[0-9a-f]{8,}\.(%s)$" {
        try_files $uri =404;
        add_header Cache-Control "public, max-age=%d, immutable" always;
%s    }

    location ~* "\.(%s)$" {
        try_files $uri =404;
        add_header Cache-Control "no-cache" always;
%s    }
`, o.Listen, o.Root, HealthPath, headers, staticExtensions, o.AssetMaxAge, headers, staticExtensions, headers)
	if o.APIUpstream != "" {
		// ^~ keeps /api/... away from the static-file locations; a variable
		// upstream is resolved per request, and passes the URI unchanged.
		fmt.Fprintf(&b, `
    location ^~ /api/ {
        resolver %s valid=10s;
        set $api_upstream %s;
        proxy_pass $api_upstream;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 60s;
    }
`, o.Resolver, o.APIUpstream)
	}
	fmt.Fprintf(&b, `
    location / {
        try_files $uri $uri/ /index.html;
        add_header Cache-Control "no-cache" always;
%s    }
}
`, headers)
	return b.String()
}
