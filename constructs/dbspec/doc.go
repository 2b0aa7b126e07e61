// Package dbspec is what an app's database is on both targets: its name
// (also its login role), its Flyway migrations and the hash that re-runs
// them. onprem/appdatabase and cloud/appdatabase are built from one Spec,
// so an app's database and migrations are the same at home and on AWS.
// It links no provider bindings.
package dbspec
