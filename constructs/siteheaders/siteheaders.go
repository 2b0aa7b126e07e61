// Package siteheaders is the security-header set every site sends on both
// targets: nginx adds it on the home server, CloudFront's response headers
// policy on AWS. It links nothing but the standard library.
package siteheaders

// DefaultCSP allows only same-origin scripts, styles, images and calls.
const DefaultCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

// Headers are sent with every response (and by CloudFront's
// response headers policy on AWS).
func Headers(csp string) [][2]string {
	return [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Content-Security-Policy", csp},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	}
}
