// Package pgconfig is how the on-prem PostgreSQL cluster is initialised
// and started: what the postgrescluster construct passes to the official
// image, and what the tests start a real PostgreSQL with.
package pgconfig

// InitdbArgs are the initdb options the cluster is created with: every
// connection, local or TCP, authenticates with scram-sha-256.
var InitdbArgs = []string{"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8"}

// ServerSettings are passed to the server as -c name=value.
var ServerSettings = map[string]string{
	"password_encryption": "scram-sha-256",
	"listen_addresses":    "*",
}
