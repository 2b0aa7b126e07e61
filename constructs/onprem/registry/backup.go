package registry

import "fmt"

// In the backup sidecar: the primary volume, the backup volume, and the
// installed scripts.
const (
	SidecarDataDir   = "/data"
	SidecarBackupDir = "/backup"
	BackupCommand    = "/usr/local/bin/registry-backup"
	RestoreCommand   = "/usr/local/bin/registry-restore"
)

// BackupScript snapshots DATA_DIR into BACKUP_DIR as
// registry-<UTC timestamp>.tar.gz and keeps the newest KEEP snapshots.
// The archive is written under a temporary name and renamed, so a snapshot
// is either complete or absent. It only reads DATA_DIR.
const BackupScript = `#!/bin/sh
set -eu
data="${DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
keep="${KEEP:-7}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
partial="$backups/.registry-$stamp.tar.gz.partial"
tar -C "$data" -czf "$partial" .
mv "$partial" "$backups/registry-$stamp.tar.gz"
ls -1 "$backups" | grep -E '^registry-[0-9]{8}T[0-9]{6}Z\.tar\.gz$' | sort -r | tail -n +$((keep + 1)) |
  while read -r old; do rm -f -- "$backups/$old"; done
echo "registry snapshot: $backups/registry-$stamp.tar.gz"
`

// RestoreScript replaces DATA_DIR with a snapshot: the one named by its
// argument (a file in BACKUP_DIR or a path), or the newest. It checks the
// archive before deleting anything. Stop the registry first.
const RestoreScript = `#!/bin/sh
set -eu
data="${DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
snap="${1:-}"
if [ -z "$snap" ]; then
  snap=$(ls -1 "$backups" | grep -E '^registry-[0-9]{8}T[0-9]{6}Z\.tar\.gz$' | sort | tail -n 1)
  [ -n "$snap" ] || { echo "registry-restore: no snapshot in $backups" >&2; exit 1; }
fi
case "$snap" in /*) ;; *) snap="$backups/$snap" ;; esac
[ -f "$snap" ] || { echo "registry-restore: $snap does not exist" >&2; exit 1; }
gzip -t "$snap" || { echo "registry-restore: $snap is damaged; nothing was changed" >&2; exit 1; }
find "$data" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
tar -C "$data" -xzf "$snap"
echo "registry restored from $snap"
`

// Crontab runs the backup on schedule (5-field cron, UTC) in the sidecar.
func Crontab(schedule string) string {
	return fmt.Sprintf("%s %s\n", schedule, BackupCommand)
}

// RestoreShellCommand is a command line that restores the registry as
// printed: it stops the registry, runs RestoreCommand in the backup
// sidecar with the arguments appended to the line (none: the newest
// snapshot), starts the registry again whether or not the restore worked,
// and exits with the restore's status.
func RestoreShellCommand(dockerHost, registryContainer, backupContainer string) string {
	docker := "docker -H " + dockerHost
	return fmt.Sprintf(`sh -c '%[1]s stop %[2]s >/dev/null && { %[1]s exec %[3]s %[4]s "$@"; rc=$?; %[1]s start %[2]s >/dev/null; exit $rc; }' registry-restore`,
		docker, registryContainer, backupContainer, RestoreCommand)
}
