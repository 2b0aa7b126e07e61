package postgrescluster

// InitdbArgs are the initdb options the cluster is created with: every
// connection, local or TCP, authenticates with scram-sha-256. The tests
// start a real PostgreSQL with exactly these.
var InitdbArgs = []string{"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8"}

// ServerSettings are passed to the server as -c name=value.
var ServerSettings = map[string]string{
	"password_encryption": "scram-sha-256",
	"listen_addresses":    "*",
}

// In-container paths and port.
const (
	ContainerPort     = 5432
	ContainerDataDir  = "/var/lib/postgresql/data"
	ContainerPassword = "/run/secrets/postgres-password"
)
