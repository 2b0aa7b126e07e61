// Package pinned names every public image the stacks run, each pinned to
// a tag and written here once: the constructs deploy them, config offers
// them as defaults, and the tests build a stand-in for each. It is plain
// Go (no jsii).
package pinned

// Images the home server runs.
const (
	// Registry is the home image registry.
	Registry = "registry:2.8.3"
	// RegistryBackup runs the registry's backup sidecar (busybox crond,
	// tar, gzip).
	RegistryBackup = "alpine:3.20.3"
	// Nginx serves the sites and the front proxy.
	Nginx = "nginxinc/nginx-unprivileged:1.27.3-alpine"
	// Restic is where the backup image takes its restic binary from.
	Restic = "restic/restic:0.17.3"
	// The home monitoring.
	Prometheus   = "prom/prometheus:v2.55.1"
	Alertmanager = "prom/alertmanager:v0.27.0"
	Blackbox     = "prom/blackbox-exporter:v0.25.0"
	NodeExporter = "prom/node-exporter:v1.8.2"
)

// Flyway runs the migrations on both targets (at home directly, on AWS as
// the base of each app's migration image).
const Flyway = "flyway/flyway:10.22.0"

// PostgresRepository is the official PostgreSQL image.
const PostgresRepository = "postgres"

// PostgresTags pins the official postgres image per major version.
var PostgresTags = map[string]string{
	"13": "13.18-bookworm",
	"14": "14.15-bookworm",
	"15": "15.10-bookworm",
	"16": "16.6-bookworm",
	"17": "17.2-bookworm",
}

// DefaultPostgresVersion is the major version a project runs unless it
// names one.
const DefaultPostgresVersion = "16"

// Postgres is the image of a major version ("" if it is not pinned).
func Postgres(version string) string {
	tag, ok := PostgresTags[version]
	if !ok {
		return ""
	}
	return PostgresRepository + ":" + tag
}
