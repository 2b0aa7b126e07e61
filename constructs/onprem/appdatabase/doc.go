// Package appdatabase gives an app its own database in the home server's
// PostgreSQL cluster (a login role, a database it owns, PUBLIC connect
// revoked) and runs its Flyway migrations in a one-off container.
package appdatabase
