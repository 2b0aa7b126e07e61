// Package appdatabase gives an app its own PostgreSQL database and runs its
// Flyway migrations, on the home server (NewOnPrem: a login role, a
// database it owns, PUBLIC connect revoked, a one-off Flyway container) and
// on AWS (NewCloud: an RDS instance). Both variants are built from one
// Spec, so an app's database and migrations are the same on both targets.
package appdatabase
