// Package appdatabase gives an app its own RDS PostgreSQL instance
// (encrypted, private, TLS-only, managed master password, protected from
// deletion) and a Flyway task that runs its migrations during apply.
package appdatabase
