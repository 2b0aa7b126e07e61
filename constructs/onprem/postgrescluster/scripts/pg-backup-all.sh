#!/bin/sh
# One backup round: the dumps, then the off-site copy (when
# RESTIC_REPOSITORY is set), then the restore drill from what was just
# copied. Each step runs even when an earlier one failed, so every problem
# is reported and recorded; the round fails if any step did. One round at
# a time: the steps share the lock (ROUND_LOCK_HELD tells them).
set -u
. "${BACKUP_LIB:-/usr/local/share/fullstack/backup-lib.sh}"
round_lock pg-backup-all
failed=
/usr/local/bin/pg-backup || failed="$failed pg-backup"
if [ -n "${RESTIC_REPOSITORY:-}" ]; then
  /usr/local/bin/pg-offsite || failed="$failed pg-offsite"
else
  # No copy is asked for: an old result must not keep alerting.
  rm -f "$backups/.offsite-status" "$metrics/offsite.prom"
fi
/usr/local/bin/pg-restore-drill || failed="$failed pg-restore-drill"
[ -z "$failed" ] || { echo "pg-backup-all: failed:$failed" >&2; exit 1; }
echo "pg-backup-all: ok"
