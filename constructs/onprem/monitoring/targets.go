package monitoring

// Kind is what a probed target is; it labels the target's metrics and
// alerts (kind="app", ...), and picks the blackbox module.
type Kind string

// The kinds of target.
const (
	// KindApp is an api or model app, probed at its health path through
	// the front proxy.
	KindApp Kind = "app"
	// KindSite is a site, probed at / through the front proxy.
	KindSite Kind = "site"
	// KindRegistry is the registry's API root (200, or 401 with htpasswd).
	KindRegistry Kind = "registry"
	// KindPostgres is PostgreSQL's port (a TCP connect).
	KindPostgres Kind = "postgres"
)

// Target is one thing the blackbox exporter probes, on the platform
// network.
type Target struct {
	Kind Kind
	// Name is the app's or site's name, or the component's ("registry").
	Name string
	// Address is an http(s):// URL for apps, sites and the registry, and
	// host:port for PostgreSQL.
	Address string
}

// module is the blackbox module that probes k.
func (k Kind) module() string {
	switch k {
	case KindRegistry:
		return "registry"
	case KindPostgres:
		return "tcp_connect"
	default:
		return "http_2xx"
	}
}

// blackboxModules: apps and sites must answer 2xx (after redirects), the
// registry 200 or 401 (its API root with htpasswd; its certificate is
// not checked, only that it answers), PostgreSQL must accept a TCP
// connection.
const blackboxModules = `modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  registry:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      valid_status_codes: [200, 401]
      tls_config:
        insecure_skip_verify: true
  tcp_connect:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
`
