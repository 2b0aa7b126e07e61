#!/bin/sh
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
  /usr/local/bin/pg-backup || echo "pg-backup-daily: the backup failed; see above" >&2
done
