package registry

import (
	_ "embed"
	"fmt"
)

// In the backup sidecar: the primary volume, the backup volume, and the
// installed scripts.
const (
	sidecarDataDir   = "/data"
	SidecarBackupDir = "/backup"
	BackupCommand    = "/usr/local/bin/registry-backup"
	RestoreCommand   = "/usr/local/bin/registry-restore"
)

// The sidecar's scripts, kept as shell files beside this one.
var (
	// BackupScript snapshots DATA_DIR into BACKUP_DIR as
	// registry-<UTC timestamp>.tar.gz and keeps the newest KEEP snapshots.
	// The archive is written under a temporary name and renamed, so a
	// snapshot is either complete or absent. It only reads DATA_DIR.
	//go:embed scripts/registry-backup.sh
	BackupScript string
	// RestoreScript replaces DATA_DIR with a snapshot: the one named by its
	// argument (a file in BACKUP_DIR or a path), or the newest. It checks
	// the archive before deleting anything. Stop the registry first.
	//go:embed scripts/registry-restore.sh
	RestoreScript string
)

// crontab runs the backup on schedule (5-field cron, UTC) in the sidecar.
func crontab(schedule string) string {
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
