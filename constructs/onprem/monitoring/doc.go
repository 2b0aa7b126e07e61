// Package monitoring runs the home server's health checks and alerts with
// the tools of the field, as containers of the on-prem stack: Prometheus
// evaluates the rules, the blackbox exporter probes each app's health path
// and each site through the front proxy (as users reach them), the
// registry and PostgreSQL, the node exporter reads the backup job's
// result and the disk's free space, and Alertmanager tells the project's
// receivers (the same email addresses and webhooks as AWS).
//
// The configuration is rendered here from typed Targets (config.go,
// rules.go) and uploaded into the containers; a change replaces only the
// container whose file changed. Events without a state to watch (a failed
// rollout, a failed preview) are posted to Alertmanager by Notify's
// command, and are not followed by a "resolved" message.
package monitoring
