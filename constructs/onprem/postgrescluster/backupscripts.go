package postgrescluster

import (
	"fmt"
	"strings"
)

// In the backup sidecar: the backup volume and the installed scripts.
const (
	SidecarBackupDir = "/backup"
	BackupCommand    = "/usr/local/bin/pg-backup"
	RestoreCommand   = "/usr/local/bin/pg-restore-app"
	ScheduleCommand  = "/usr/local/bin/pg-backup-daily"
	// LastStatusFile records the last backup's outcome for the health check.
	LastStatusFile = SidecarBackupDir + "/.last-status"
	// PgpassUpload is where the password file is uploaded (mode 0644, the
	// provider sets no mode); the scripts copy it to PgpassFile with mode
	// 0600, because libpq ignores a password file others can read.
	PgpassUpload = "/run/secrets/pgpass"
	PgpassFile   = "/tmp/.pgpass"
)

// privatePgpass is the scripts' first step: the private password file.
const privatePgpass = `umask 077
cp "${PGPASS_UPLOAD:-/run/secrets/pgpass}" "${PGPASSFILE:-/tmp/.pgpass}"
`

// BackupScript dumps each database of DATABASES (pg_dump custom format)
// and the globals (roles, pg_dumpall --globals-only) into BACKUP_DIR as
// <database>-<UTC time>.dump and globals-<UTC time>.sql, each written under
// a temporary name and renamed, so a backup is complete or absent. It keeps
// the newest KEEP of each and records "ok|failed <time>" in .last-status.
// The server and credentials come from PGHOST, PGPORT, PGUSER, PGPASSFILE.
const BackupScript = `#!/bin/sh
set -u
` + privatePgpass + `backups="${BACKUP_DIR:-/backup}"
keep="${KEEP:-7}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
status=ok
rotate() { # rotate <prefix> <suffix>
  ls -1 "$backups" | grep -E "^$1-[0-9]{8}T[0-9]{6}Z\.$2\$" | sort -r | tail -n +$((keep + 1)) |
    while read -r old; do rm -f -- "$backups/$old"; done
}
for db in ${DATABASES:-}; do
  partial="$backups/.$db-$stamp.dump.partial"
  if pg_dump --format=custom --dbname="$db" --file="$partial"; then
    mv "$partial" "$backups/$db-$stamp.dump"
    echo "pg-backup: $backups/$db-$stamp.dump"
  else
    rm -f "$partial"
    status=failed
    echo "pg-backup: the backup of $db failed" >&2
  fi
  rotate "$db" dump
done
partial="$backups/.globals-$stamp.sql.partial"
if pg_dumpall --globals-only --file="$partial"; then
  mv "$partial" "$backups/globals-$stamp.sql"
  echo "pg-backup: $backups/globals-$stamp.sql"
else
  rm -f "$partial"
  status=failed
  echo "pg-backup: the backup of the globals failed" >&2
fi
rotate globals sql
echo "$status $stamp" > "$backups/.last-status"
[ "$status" = ok ]
`

// RestoreScript restores one app database from a backup: the one named by
// its second argument (a file in BACKUP_DIR or a path), or the newest. It
// refuses a database that is not one of DATABASES and an archive that is
// missing or does not read back whole, before touching anything. An
// existing database is restored in one transaction (its objects dropped
// and recreated, other databases untouched); a missing one is created
// first, owned by the app role of the same name, closed to PUBLIC.
const RestoreScript = `#!/bin/sh
set -eu
` + privatePgpass + `backups="${BACKUP_DIR:-/backup}"
db="${1:-}"
archive="${2:-}"
fail() { echo "pg-restore-app: $*; nothing was changed" >&2; exit 1; }
[ -n "$db" ] || fail "usage: pg-restore-app <database> [archive]"
case " ${DATABASES:-} " in
  *" $db "*) ;;
  *) fail "$db is not an app database of this stack (they are: ${DATABASES:-none})" ;;
esac
if [ -z "$archive" ]; then
  archive=$(ls -1 "$backups" | grep -E "^$db-[0-9]{8}T[0-9]{6}Z\.dump\$" | sort | tail -n 1)
  [ -n "$archive" ] || fail "no backup of $db in $backups"
fi
case "$archive" in /*) ;; *) archive="$backups/$archive" ;; esac
[ -f "$archive" ] || fail "$archive does not exist"
pg_restore --list "$archive" >/dev/null 2>&1 && pg_restore --file=/dev/null "$archive" 2>/dev/null ||
  fail "$archive is damaged or not a pg_dump archive"
exists=$(psql --dbname=postgres --tuples-only --no-align --command="SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ "$exists" = 1 ]; then
  psql --dbname=postgres --quiet --command="SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
  pg_restore --clean --if-exists --single-transaction --exit-on-error --dbname="$db" "$archive"
else
  createdb --owner="$db" --encoding=UTF8 "$db"
  psql --dbname=postgres --quiet --command="REVOKE ALL ON DATABASE \"$db\" FROM PUBLIC"
  pg_restore --single-transaction --exit-on-error --dbname="$db" "$archive"
fi
echo "pg-restore-app: $db restored from $archive"
`

// ScheduleScript runs BackupCommand every day at AT (HH:MM, UTC). It
// sleeps in the background and waits, so the stop signal ends it at once
// (a shell waiting for a foreground sleep would not stop until killed).
const ScheduleScript = `#!/bin/sh
set -u
trap 'exit 0' INT TERM
at="${AT:-03:47}"
echo "pg-backup-daily: backups at $at UTC into ${BACKUP_DIR:-/backup}"
while :; do
  now=$(date -u +%s)
  next=$(date -u -d "today $at" +%s)
  [ "$next" -gt "$now" ] || next=$(date -u -d "tomorrow $at" +%s)
  sleep $((next - now)) &
  wait $!
  ` + BackupCommand + ` || echo "pg-backup-daily: the backup failed; see above" >&2
done
`

// HealthCheck is healthy until a backup fails.
var HealthCheck = []string{"CMD-SHELL", "! grep -q '^failed' " + LastStatusFile + " 2>/dev/null"}

// PgpassAll is a .pgpass line matching every host, port and database for
// user, with the password token already escaped.
func PgpassAll(user, escapedPassword string) string {
	return fmt.Sprintf("*:*:*:%s:%s\n", strings.ReplaceAll(user, ":", `\:`), escapedPassword)
}
