// Package postgrescluster builds the on-prem PostgreSQL cluster: the
// official postgres image (pinned major version) on the platform network,
// data on a named volume protected from destroy, the superuser password
// from a sensitive Terraform variable delivered as a file (never in the
// container's environment or in cdk.tf.json), scram-sha-256 password
// authentication, and a pg_isready health check.
package postgrescluster
