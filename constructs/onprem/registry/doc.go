// Package registry builds the on-prem Docker registry: the official
// distribution registry on the platform network, its storage on a primary
// volume, scheduled snapshots into a backup volume by a sidecar, and the
// image references every other construct uses (<registry>/<namespace>/<app>:<tag>).
//
// The registry configuration file and the backup and restore scripts are
// rendered by plain Go functions (settings.go, backup.go), so the tests run
// the same files with Debian's docker-registry and /bin/sh.
package registry
