#!/bin/sh
set -eu
data="${DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
snap="${1:-}"
if [ -z "$snap" ]; then
  snap=$(ls -1 "$backups" | grep -E '^registry-[0-9]{8}T[0-9]{6}Z\.tar\.gz$' | sort | tail -n 1)
  [ -n "$snap" ] || { echo "registry-restore: no snapshot in $backups" >&2; exit 1; }
fi
case "$snap" in /*) ;; *) snap="$backups/$snap" ;; esac
[ -f "$snap" ] || { echo "registry-restore: $snap does not exist" >&2; exit 1; }
gzip -t "$snap" || { echo "registry-restore: $snap is damaged; nothing was changed" >&2; exit 1; }
find "$data" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
tar -C "$data" -xzf "$snap"
echo "registry restored from $snap"
