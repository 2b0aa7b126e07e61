#!/bin/sh
set -u
umask 077
cp "${PGPASS_UPLOAD:-/run/secrets/pgpass}" "${PGPASSFILE:-/tmp/.pgpass}"
backups="${BACKUP_DIR:-/backup}"
keep="${KEEP:-7}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
status=ok
results=
rotate() { # rotate <prefix> <suffix>
  ls -1 "$backups" | grep -E "^$1-[0-9]{8}T[0-9]{6}Z\.$2\$" | sort -r | tail -n +$((keep + 1)) |
    while read -r old; do rm -f -- "$backups/$old"; done
}
for db in ${DATABASES:-}; do
  partial="$backups/.$db-$stamp.dump.partial"
  if pg_dump --format=custom --dbname="$db" --file="$partial"; then
    mv "$partial" "$backups/$db-$stamp.dump"
    echo "pg-backup: $backups/$db-$stamp.dump"
    results="$results
fullstack_backup_database_success{database=\"$db\"} 1"
  else
    rm -f "$partial"
    status=failed
    echo "pg-backup: the backup of $db failed" >&2
    results="$results
fullstack_backup_database_success{database=\"$db\"} 0"
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
# The result for the monitoring's node exporter (textfile format, written
# whole and renamed; readable by its nobody user: it holds no secret).
metrics="$backups/${METRICS_DIR:-metrics}"
mkdir -p "$metrics" && chmod 755 "$metrics"
now=$(date -u +%s)
last_ok=$(sed -n 's/^fullstack_backup_last_success_timestamp_seconds //p' "$metrics/pg-backup.prom" 2>/dev/null)
if [ "$status" = ok ]; then ok=1 last_ok=$now; else ok=0; fi
{
  echo "# TYPE fullstack_backup_last_run_success gauge"
  echo "fullstack_backup_last_run_success $ok"
  echo "# TYPE fullstack_backup_last_run_timestamp_seconds gauge"
  echo "fullstack_backup_last_run_timestamp_seconds $now"
  if [ -n "$last_ok" ]; then
    echo "# TYPE fullstack_backup_last_success_timestamp_seconds gauge"
    echo "fullstack_backup_last_success_timestamp_seconds $last_ok"
  fi
  if [ -n "$results" ]; then
    echo "# TYPE fullstack_backup_database_success gauge"
    printf '%s\n' "$results" | sed '/^$/d'
  fi
} > "$metrics/.pg-backup.prom.partial" && chmod 644 "$metrics/.pg-backup.prom.partial" &&
  mv "$metrics/.pg-backup.prom.partial" "$metrics/pg-backup.prom"
[ "$status" = ok ]
