#!/bin/sh
# One backup round: the dumps, then the off-site copy (when
# RESTIC_REPOSITORY is set), then the restore drill from what was just
# copied. Each step runs even when an earlier one failed, so every problem
# is reported and recorded; the round fails if any step did.
set -u
failed=
/usr/local/bin/pg-backup || failed="$failed pg-backup"
if [ -n "${RESTIC_REPOSITORY:-}" ]; then
  /usr/local/bin/pg-offsite || failed="$failed pg-offsite"
fi
/usr/local/bin/pg-restore-drill || failed="$failed pg-restore-drill"
[ -z "$failed" ] || { echo "pg-backup-all: failed:$failed" >&2; exit 1; }
echo "pg-backup-all: ok"
