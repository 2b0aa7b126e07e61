package postgrescluster

// In-container paths and port.
const (
	ContainerPort     = 5432
	ContainerDataDir  = "/var/lib/postgresql/data"
	ContainerPassword = "/run/secrets/postgres-password"
)
