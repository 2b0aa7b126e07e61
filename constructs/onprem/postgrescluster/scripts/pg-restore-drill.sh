#!/bin/sh
# pg-restore-drill [local]: restores the newest backup of each database of
# DATABASES into a scratch PostgreSQL server in /tmp, and compares every
# table's rows and checksum with those listed at backup time (the .tables
# file beside each dump). The backup comes from the newest snapshot in
# RESTIC_REPOSITORY when one is set (unless "local" is given), else from
# the backup volume. A backup older than MAX_AGE_HOURS (26) fails too.
# Each database is restored by a role of its own name, not a superuser
# (the dump's functions run during the restore), then dropped. Records
# the result in .drill-status and for the node exporter (a "local" drill
# of a server with a repository is not recorded: it says nothing about
# the off-site copy); exits 1 naming every table that did not come back
# whole.
set -u
umask 077
. "${BACKUP_LIB:-/usr/local/share/fullstack/backup-lib.sh}"
round_lock pg-restore-drill
started=$(date -u +%s)
work=$(mktemp -d /tmp/pg-restore-drill.XXXXXX) || exit 1
server=
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
cleanup() {
  [ -z "$server" ] || as_postgres pg_ctl --pgdata="$work/pg" --mode=immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
# Stopped midway, it still removes the scratch server and the restored dumps.
trap 'exit 1' INT TERM
problems=0
problem() {
  problems=$((problems + 1))
  echo "pg-restore-drill: $*" >&2
}
newest() { # newest <directory listing> <database>
  grep -E "(^|/)$2-[0-9]{8}T[0-9]{6}Z\.dump\$" "$1" | sort | tail -n 1
}
too_old() { # too_old <archive name>: older than MAX_AGE_HOURS?
  stamp=$(printf '%s' "$1" | sed -n 's/.*-\([0-9]\{8\}\)T\([0-9]\{2\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)Z\.dump$/\1 \2:\3:\4/p')
  then=$(date -u -d "$stamp" +%s 2>/dev/null) || return 0
  [ $(($(date -u +%s) - then)) -gt $((${MAX_AGE_HOURS:-26} * 3600)) ]
}
tables=0 rows=0 record=yes
if [ -n "${RESTIC_REPOSITORY:-}" ] && [ "${1:-}" != local ]; then
  dir="$work/restore$backups"
  # One snapshot, named once: a round that starts meanwhile cannot mix two.
  snapshot=$(restic_ snapshots --json --host "${RESTIC_HOST:?}" --tag fullstack latest 2>"$work/err" |
    sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
  from="snapshot ${snapshot:-none} of $RESTIC_REPOSITORY"
  if [ -z "$snapshot" ]; then
    problem "no snapshot of $RESTIC_HOST in $RESTIC_REPOSITORY: $(tail -n 2 "$work/err" | tr '\n' ' ')"
  elif restic_ ls "$snapshot" "$backups" >"$work/listing" 2>"$work/err"; then
    includes=
    for db in ${DATABASES:-}; do
      archive=$(newest "$work/listing" "$db")
      [ -z "$archive" ] || includes="$includes --include $archive --include ${archive%.dump}.tables"
    done
    # shellcheck disable=SC2086 # includes is a list of options
    [ -z "$includes" ] || restic_ restore "$snapshot" --target "$work/restore" $includes >/dev/null 2>"$work/err" ||
      problem "restic could not restore from $from: $(tail -n 3 "$work/err" | tr '\n' ' ')"
  else
    problem "restic could not list $from: $(tail -n 3 "$work/err" | tr '\n' ' ')"
  fi
  mkdir -p "$dir"
else
  from="the backup volume"
  dir="$backups"
  [ -z "${RESTIC_REPOSITORY:-}" ] || record=no
fi
ls -1 "$dir" >"$work/names"
chown postgres "$work"
if [ "$problems" = 0 ]; then
  if as_postgres initdb --pgdata="$work/pg" --username=drill --auth=trust --encoding=UTF8 --no-sync >"$work/initdb.log" 2>&1 &&
    as_postgres pg_ctl --pgdata="$work/pg" --wait --log="$work/pg/server.log" \
      --options="-c listen_addresses='' -c port=5432 -c unix_socket_directories='$work' -c fsync=off -c shared_buffers=16MB" start >/dev/null; then
    server=up
  else
    problem "the scratch PostgreSQL server did not start: $(tail -n 3 "$work/initdb.log" "$work/pg/server.log" 2>/dev/null | tr '\n' ' ')"
  fi
fi
export PGHOST="$work" PGUSER=drill PGPORT=5432
unset PGPASSFILE
for db in ${DATABASES:-}; do
  [ -n "$server" ] || break
  archive=$(newest "$work/names" "$db")
  if [ -z "$archive" ]; then
    problem "$db: no backup in $from"
    continue
  fi
  list="${archive%.dump}.tables"
  if [ ! -f "$dir/$list" ]; then
    problem "$db: $archive has no table list ($list) to compare with; the next backup has one"
    continue
  fi
  if too_old "$archive"; then
    problem "$db: the newest backup in $from is $archive, older than ${MAX_AGE_HOURS:-26} hours (has the backup been failing?)"
  fi
  if ! createuser --no-superuser --no-createrole --no-createdb "$db" 2>"$work/err" ||
    ! createdb --owner="$db" "$db" 2>"$work/err" ||
    ! pg_restore --no-owner --no-privileges --role="$db" --exit-on-error --dbname="$db" "$dir/$archive" 2>"$work/err"; then
    problem "$db: $archive in $from does not restore: $(tail -n 3 "$work/err" | tr '\n' ' ')"
    continue
  fi
  if ! psql -X -q -At --set=ON_ERROR_STOP=1 --dbname="$db" --file="${TABLE_CHECKSUMS:?}" >"$work/got" 2>"$work/err"; then
    problem "$db: the restored tables cannot be read: $(tail -n 3 "$work/err" | tr '\n' ' ')"
    continue
  fi
  awk -F'|' -v db="$db" -v archive="$archive" '
    NR == FNR { want[$1] = $0; wrows[$1] = $2; wsum[$1] = $3; next }
    { got[$1] = $0; grows[$1] = $2; gsum[$1] = $3 }
    END {
      for (t in want) {
        if (!(t in got)) print db ": table " t " is missing from the restore of " archive
        else if (want[t] != got[t]) {
          if (wrows[t] != grows[t]) print db ": table " t " has " grows[t] " rows restored from " archive ", " wrows[t] " at backup time"
          else print db ": table " t " has " grows[t] " rows as at backup time, but their contents differ (checksum " gsum[t] ", " wsum[t] " at backup time)"
        }
      }
      for (t in got) if (!(t in want)) print db ": table " t " is in the restore of " archive " but not in its table list"
    }' "$dir/$list" "$work/got" >"$work/diff"
  if [ -s "$work/diff" ]; then
    while IFS= read -r line; do problem "$line"; done <"$work/diff"
  else
    n=$(wc -l <"$work/got")
    r=$(awk -F'|' '{ s += $2 } END { print s + 0 }' "$work/got")
    tables=$((tables + n)) rows=$((rows + r))
    echo "pg-restore-drill: $db: $n tables, $r rows restored from $archive, each as at backup time"
  fi
  # One database at a time on the scratch disk (the volume's own backups
  # stay, of course).
  dropdb "$db" 2>/dev/null
  case "$dir" in "$work"/*) rm -f "$dir/$archive" ;; esac
done
now=$(date -u +%s)
if [ "$problems" = 0 ]; then status=ok ok=1; else status=failed ok=0; fi
[ "$record" = yes ] && echo "$status $(date -u +%Y%m%dT%H%M%SZ) $from" >"$backups/.drill-status" && {
  echo "# TYPE fullstack_restore_drill_last_run_success gauge"
  echo "fullstack_restore_drill_last_run_success $ok"
  echo "# TYPE fullstack_restore_drill_last_run_timestamp_seconds gauge"
  echo "fullstack_restore_drill_last_run_timestamp_seconds $now"
  echo "# TYPE fullstack_restore_drill_last_run_duration_seconds gauge"
  echo "fullstack_restore_drill_last_run_duration_seconds $((now - started))"
  echo "# TYPE fullstack_restore_drill_tables gauge"
  echo "fullstack_restore_drill_tables $tables"
} | publish drill
if [ "$problems" = 0 ]; then
  echo "pg-restore-drill: ok: $tables tables, $rows rows from $from in $((now - started)) s"
else
  echo "pg-restore-drill: FAILED ($problems problems above) restoring $from" >&2
  exit 1
fi
