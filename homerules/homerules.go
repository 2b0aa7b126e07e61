// Package homerules holds what the home server's Docker engine and
// PostgreSQL accept and the defaults both the project file (config) and
// the on-prem constructs apply. Each value is written here once; the
// constructs' Default* constants refer to it. It is plain Go (no jsii),
// so config stays free of the construct packages.
package homerules

import "github.com/homecloud-dev/fullstack/awsrules"

// DefaultDockerHost is the local engine's socket.
const DefaultDockerHost = "unix:///var/run/docker.sock"

// Log rotation of every container (json-file driver).
const (
	DefaultLogMaxSize  = "10m"
	DefaultLogMaxFiles = 3
)

// Memory limits, in MiB, without swap.
const (
	// MinMemoryMiB is the smallest limit Docker accepts.
	MinMemoryMiB = 6
	// DefaultMemoryMiB is an app container's limit: the default task
	// size's memory, so both targets give an app the same room.
	DefaultMemoryMiB = awsrules.DefaultTaskMemoryMiB
	// DefaultPostgresMemoryMiB is the PostgreSQL server's: room for
	// shared_buffers (128 MiB by default), the connections' work memory
	// and the page cache PostgreSQL leans on.
	DefaultPostgresMemoryMiB = 1024
	// MinPostgresMemoryMiB is the smallest server limit allowed: below it
	// the server and its backups run out of memory under load.
	MinPostgresMemoryMiB = 256
)

// DefaultPostgresAdmin is the PostgreSQL superuser's name.
const DefaultPostgresAdmin = "postgres"

// DefaultRegistryBackupSchedule is when the registry's nightly backup runs
// (cron, the server's time zone).
const DefaultRegistryBackupSchedule = "17 3 * * *"

// DefaultBackupKeep is how many nightly archives stay on the server, the
// registry's and each database's.
const DefaultBackupKeep = 7

// MinPasswordLength is the shortest password a sensitive variable
// accepts (database and off-site repository passwords).
const MinPasswordLength = 12

// DefaultPostgresSSLMode is libpq's sslmode towards the home server's
// PostgreSQL: the server is on the same host or network, reached over the
// loopback or the platform network.
const DefaultPostgresSSLMode = "disable"
