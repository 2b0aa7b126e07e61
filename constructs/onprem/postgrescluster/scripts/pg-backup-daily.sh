#!/bin/sh
set -u
trap 'exit 0' INT TERM
at="${AT:-03:47}"
echo "pg-backup-daily: backups at $at UTC into ${BACKUP_DIR:-/backup}"
# The start of the schedule, for the monitoring: it stands in for the last
# success until the first backup, so a backup that never runs alerts too.
. "${BACKUP_LIB:-/usr/local/share/fullstack/backup-lib.sh}"
printf '# TYPE fullstack_backup_scheduler_start_timestamp_seconds gauge\nfullstack_backup_scheduler_start_timestamp_seconds %s\n' "$(date -u +%s)" | publish scheduler
while :; do
  now=$(date -u +%s)
  next=$(date -u -d "today $at" +%s)
  [ "$next" -gt "$now" ] || next=$(date -u -d "tomorrow $at" +%s)
  sleep $((next - now)) &
  wait $!
  /usr/local/bin/pg-backup-all || echo "pg-backup-daily: the backup round failed; see above" >&2
done
