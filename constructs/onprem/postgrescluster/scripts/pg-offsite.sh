#!/bin/sh
# Copies the backup volume and OFFSITE_PATHS (the registry's storage, the
# deploy state) to the restic repository RESTIC_REPOSITORY, encrypted by
# restic with RESTIC_PASSWORD_FILE, as host RESTIC_HOST; checks it,
# reading back a seventh of the data (a different seventh each weekday);
# forgets and prunes by KEEP_DAILY/KEEP_WEEKLY/KEEP_MONTHLY. Records the
# result in .offsite-status and for the node exporter.
set -u
umask 077
. "${BACKUP_LIB:-/usr/local/share/fullstack/backup-lib.sh}"
round_lock pg-offsite
work=$(mktemp -d /tmp/pg-offsite.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
started=$(date -u +%s)
status=ok
added=
fail() {
  echo "pg-offsite: $*" >&2
  status=failed
}
# The repository this volume's earlier rounds wrote to: a repository that
# is gone is an alarm, not a reason to start an empty one.
known="$backups/.offsite-repository"
recorded=$(cat "$known" 2>/dev/null)
if restic_ cat config >"$work/config" 2>"$work/err"; then
  id=$(sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$work/config")
  if [ -n "$recorded" ] && [ "$id" != "$recorded" ]; then
    fail "$RESTIC_REPOSITORY is repository $id, not $recorded that earlier rounds wrote to: point onprem.offsite.repository back, or remove $known to start anew"
  else
    echo "$id" >"$known"
  fi
elif [ -n "$recorded" ]; then
  fail "the repository $recorded that earlier rounds wrote to does not open at $RESTIC_REPOSITORY (deleted, unreachable, or another password): $(tail -n 2 "$work/err" | tr '\n' ' '); restore it (the bucket's object versions), or remove $known to start a new one"
elif restic_ init >/dev/null 2>>"$work/err" && restic_ cat config >"$work/config" 2>>"$work/err"; then
  sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' "$work/config" >"$known"
  echo "pg-offsite: created the repository $RESTIC_REPOSITORY"
else
  fail "$RESTIC_REPOSITORY cannot be opened or created: $(tail -n 2 "$work/err" | tr '\n' ' ')"
fi
# An empty source is a mount gone wrong (a state directory the engine's
# machine does not have), not something to keep as the newest snapshot.
for path in ${OFFSITE_PATHS:-}; do
  [ -n "$(ls -A "$path" 2>/dev/null)" ] || fail "$path is empty: is it mounted from where the data is (onprem.state_dir on the engine's machine)?"
done
if [ "$status" = ok ]; then
  # shellcheck disable=SC2086 # OFFSITE_PATHS is a list of paths
  if restic_ backup --json --host "${RESTIC_HOST:?}" --tag fullstack \
    --exclude "$metrics" --exclude "$backups/.*" --exclude '*.lock.info' --exclude '.terraform.lock*' \
    "$backups" ${OFFSITE_PATHS:-} >"$work/out" 2>"$work/err"; then
    summary=$(grep '"message_type":"summary"' "$work/out")
    added=$(printf '%s' "$summary" | sed -n 's/.*"data_added":\([0-9]*\).*/\1/p')
    echo "pg-offsite: snapshot $(printf '%s' "$summary" | sed -n 's/.*"snapshot_id":"\([0-9a-f]*\)".*/\1/p') of $backups ${OFFSITE_PATHS:-}: $(printf '%s' "$summary" | sed -n 's/.*"total_bytes_processed":\([0-9]*\).*/\1/p') bytes read, $added bytes added"
  else
    fail "restic backup failed: $(tail -n 3 "$work/err" | tr '\n' ' ')"
  fi
fi
# Checked before pruning: prune rewrites packs, and must not run on a
# repository that lost one.
if [ "$status" = ok ] && ! restic_ check --read-data-subset="$(date -u +%u)/7" >"$work/out" 2>&1; then
  fail "restic check found a problem in the repository: $(grep -v '^$' "$work/out" | tail -n 3 | tr '\n' ' ')"
fi
# Only this server's own rounds are forgotten, grouped by host and tag (a
# change of sources does not start a group kept for ever).
if [ "$status" = ok ] && ! restic_ forget --host "$RESTIC_HOST" --tag fullstack --group-by host,tags --keep-daily "${KEEP_DAILY:?}" \
  --keep-weekly "${KEEP_WEEKLY:?}" --keep-monthly "${KEEP_MONTHLY:?}" --prune >"$work/out" 2>"$work/err"; then
  fail "restic forget --prune failed: $(tail -n 3 "$work/err" | tr '\n' ' ')"
fi
now=$(date -u +%s)
echo "$status $(date -u +%Y%m%dT%H%M%SZ)" >"$backups/.offsite-status"
last_ok=$(last_success offsite fullstack_offsite_last_success_timestamp_seconds)
if [ "$status" = ok ]; then ok=1 last_ok=$now; else ok=0; fi
{
  echo "# TYPE fullstack_offsite_last_run_success gauge"
  echo "fullstack_offsite_last_run_success $ok"
  echo "# TYPE fullstack_offsite_last_run_timestamp_seconds gauge"
  echo "fullstack_offsite_last_run_timestamp_seconds $now"
  echo "# TYPE fullstack_offsite_last_run_duration_seconds gauge"
  echo "fullstack_offsite_last_run_duration_seconds $((now - started))"
  if [ -n "$last_ok" ]; then
    echo "# TYPE fullstack_offsite_last_success_timestamp_seconds gauge"
    echo "fullstack_offsite_last_success_timestamp_seconds $last_ok"
  fi
  if [ -n "$added" ]; then
    echo "# TYPE fullstack_offsite_last_added_bytes gauge"
    echo "fullstack_offsite_last_added_bytes $added"
  fi
} | publish offsite
echo "pg-offsite: $status in $((now - started)) s"
[ "$status" = ok ]
