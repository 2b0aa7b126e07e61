package postgrescluster

import (
	_ "embed"
	"fmt"
	"strings"
)

// In the backup sidecar: the backup volume and the installed scripts.
const (
	SidecarBackupDir = "/backup"
	BackupCommand    = "/usr/local/bin/pg-backup"
	RestoreCommand   = "/usr/local/bin/pg-restore-app"
	ScheduleCommand  = "/usr/local/bin/pg-backup-daily"
	// RoundCommand runs one backup round: dumps, off-site copy, drill.
	RoundCommand   = "/usr/local/bin/pg-backup-all"
	OffsiteCommand = "/usr/local/bin/pg-offsite"
	DrillCommand   = "/usr/local/bin/pg-restore-drill"
	// LibFile is LibScript in the sidecar, which the scripts source.
	LibFile = "/usr/local/share/fullstack/backup-lib.sh"
	// TableChecksumsFile is TableChecksumsSQL in the sidecar.
	TableChecksumsFile = "/usr/local/share/fullstack/table-checksums.sql"
	// DrillStatusFile and OffsiteStatusFile hold the last drill's and the
	// last off-site copy's "ok|failed <UTC time> ...".
	DrillStatusFile   = SidecarBackupDir + "/.drill-status"
	OffsiteStatusFile = SidecarBackupDir + "/.offsite-status"
	// AppRoleGrantsFile holds dbspec.AppRoleGrants: the restore script
	// grants the app role its rights again, as the owner, after a restore.
	AppRoleGrantsFile = "/usr/local/share/fullstack/app-role-grants.sql"
	// lastStatusFile records the last backup's outcome for the health check.
	lastStatusFile = SidecarBackupDir + "/.last-status"
	// pgpassUpload is where the password file is uploaded (mode 0644, the
	// provider sets no mode); the scripts copy it to pgpassFile with mode
	// 0600, because libpq ignores a password file others can read.
	pgpassUpload = "/run/secrets/pgpass"
	pgpassFile   = "/tmp/.pgpass"
)

// The scripts installed in the backup sidecar, kept as shell files beside
// this one so they can be read and linted as shell. Each backup and
// restore script first copies the password upload to a private
// PGPASSFILE (libpq ignores a password file others can read).
var (
	// BackupScript dumps each database of DATABASES (pg_dump custom format)
	// and the globals (roles, pg_dumpall --globals-only) into BACKUP_DIR as
	// <database>-<UTC time>.dump and globals-<UTC time>.sql, each written
	// under a temporary name and renamed, so a backup is complete or absent.
	// It keeps the newest KEEP of each and records "ok|failed <time>" in
	// .last-status. The server and credentials come from PGHOST, PGPORT,
	// PGUSER, PGPASSFILE.
	//go:embed scripts/pg-backup.sh
	BackupScript string
	// RestoreScript restores one app database from a backup: the one named
	// by its second argument (a file in BACKUP_DIR or a path), or the
	// newest. It refuses a database that is not one of DATABASES and an
	// archive that is missing or does not read back whole, before touching
	// anything. An existing database is restored in one transaction (its
	// objects dropped and recreated, other databases untouched); a missing
	// one is created first, owned by the app role of the same name, closed
	// to PUBLIC.
	//go:embed scripts/pg-restore-app.sh
	RestoreScript string
	// ScheduleScript runs BackupCommand every day at AT (HH:MM, UTC). It
	// sleeps in the background and waits, so the stop signal ends it at
	// once (a shell waiting for a foreground sleep would not stop until
	// killed).
	//go:embed scripts/pg-backup-daily.sh
	ScheduleScript string
	// RoundScript is one backup round: BackupScript, then OffsiteScript
	// (when a repository is set), then DrillScript; each runs even when an
	// earlier one failed, and the round fails if any did.
	//go:embed scripts/pg-backup-all.sh
	RoundScript string
	// OffsiteScript copies the backup volume and the off-site sources to
	// the restic repository, checks it (reading back a seventh of the
	// data, another seventh each weekday) and prunes by the retention
	// policy.
	//go:embed scripts/pg-offsite.sh
	OffsiteScript string
	// DrillScript restores the newest backup of each database (from the
	// repository's newest snapshot, or the volume) into a scratch server
	// and compares each table's rows and checksum with the list written
	// at backup time, from the same snapshot as the dump.
	//go:embed scripts/pg-restore-drill.sh
	DrillScript string
	// LibScript is what the scripts share (sourced from LibFile): the
	// backup volume's paths, the round lock, the metrics writer.
	//go:embed scripts/backup-lib.sh
	LibScript string
	// TableChecksumsSQL lists "<schema>.<table>|<rows>|<checksum>" for
	// every table of a database (psql -At).
	//go:embed scripts/table-checksums.sql
	TableChecksumsSQL string
)

// backupHealthCheck is healthy until a backup, an off-site copy or a
// restore drill fails (a missing status file is no failure).
var backupHealthCheck = []string{"CMD-SHELL", "! grep -qs '^failed' " + lastStatusFile + " " + OffsiteStatusFile + " " + DrillStatusFile}

// pgpassAll is a .pgpass line matching every host, port and database for
// user, with the password token already escaped.
func pgpassAll(user, escapedPassword string) string {
	return fmt.Sprintf("*:*:*:%s:%s\n", strings.ReplaceAll(user, ":", `\:`), escapedPassword)
}
