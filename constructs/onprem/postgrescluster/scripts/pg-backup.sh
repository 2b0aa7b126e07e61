#!/bin/sh
set -u
umask 077
. "${BACKUP_LIB:-/usr/local/share/fullstack/backup-lib.sh}"
round_lock pg-backup
cp "${PGPASS_UPLOAD:-/run/secrets/pgpass}" "${PGPASSFILE:-/tmp/.pgpass}"
checksums="${TABLE_CHECKSUMS:-/usr/local/share/fullstack/table-checksums.sql}"
keep="${KEEP:-7}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
status=ok
results=
rotate() { # rotate <prefix> <suffix>
  ls -1 "$backups" | grep -E "^$1-[0-9]{8}T[0-9]{6}Z\.$2\$" | sort -r | tail -n +$((keep + 1)) |
    while read -r old; do rm -f -- "$backups/$old"; done
}
# dump <database> <dump file> <tables file>: pg_dump, and every table's
# rows and checksum ($checksums) for the restore drill, from one snapshot,
# so the drill compares a restore with exactly what was dumped. A session
# exports its snapshot, lists the tables (holding their share locks) and
# stays open until pg_dump is done. pg_dump gives up on a lock it waits
# for longer than LOCK_WAIT (a DDL statement queued between the two would
# otherwise wait on the session, and the session on pg_dump, for ever).
dump() {
  work=$(mktemp -d /tmp/pg-backup.XXXXXX) || return 1
  mkfifo "$work/in" || { rm -rf "$work"; return 1; }
  psql -X -q -At --set=ON_ERROR_STOP=1 --dbname="$1" <"$work/in" >"$work/out" 2>"$work/err" &
  session=$!
  # A write to a session that ended fails instead of ending the script.
  trap '' PIPE
  exec 3>"$work/in"
  printf '%s\n' 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;' \
    "SELECT 'snapshot ' || pg_export_snapshot();" "\\i $checksums" "SELECT 'end-of-tables';" >&3
  # Table lines always hold a '|': the markers cannot be mistaken.
  until grep -qx 'end-of-tables' "$work/out"; do
    kill -0 "$session" 2>/dev/null || break
    sleep 0.2
  done
  snapshot=$(sed -n 's/^snapshot \([0-9A-F-]*\)$/\1/p' "$work/out")
  ok=0
  if grep -qx 'end-of-tables' "$work/out" && [ -n "$snapshot" ] &&
    pg_dump --format=custom --snapshot="$snapshot" --lock-wait-timeout="${LOCK_WAIT:-10min}" --dbname="$1" --file="$2"; then
    sed '/^snapshot [0-9A-F-]*$/d; /^end-of-tables$/d' "$work/out" >"$3" && ok=1
  fi
  printf 'COMMIT;\n' >&3
  exec 3>&-
  trap - PIPE
  wait "$session" || ok=0
  [ "$ok" = 1 ] || cat "$work/err" >&2
  rm -rf "$work"
  [ "$ok" = 1 ]
}
for db in ${DATABASES:-}; do
  partial="$backups/.$db-$stamp.dump.partial"
  if dump "$db" "$partial" "$partial.tables"; then
    # The list first: a dump is complete once both are there.
    mv "$partial.tables" "$backups/$db-$stamp.tables"
    mv "$partial" "$backups/$db-$stamp.dump"
    echo "pg-backup: $backups/$db-$stamp.dump ($(wc -l <"$backups/$db-$stamp.tables") tables listed)"
    results="$results
fullstack_backup_database_success{database=\"$db\"} 1"
  else
    rm -f "$partial" "$partial.tables"
    status=failed
    echo "pg-backup: the backup of $db failed" >&2
    results="$results
fullstack_backup_database_success{database=\"$db\"} 0"
  fi
  rotate "$db" dump
  rotate "$db" tables
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
# The result for the monitoring's node exporter.
now=$(date -u +%s)
last_ok=$(last_success pg-backup fullstack_backup_last_success_timestamp_seconds)
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
} | publish pg-backup
[ "$status" = ok ]
