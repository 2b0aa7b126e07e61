#!/bin/sh
set -u
umask 077
cp "${PGPASS_UPLOAD:-/run/secrets/pgpass}" "${PGPASSFILE:-/tmp/.pgpass}"
backups="${BACKUP_DIR:-/backup}"
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
