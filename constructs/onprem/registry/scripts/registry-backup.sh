#!/bin/sh
set -eu
data="${DATA_DIR:-/data}"
backups="${BACKUP_DIR:-/backup}"
keep="${KEEP:-7}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
partial="$backups/.registry-$stamp.tar.gz.partial"
tar -C "$data" -czf "$partial" .
mv "$partial" "$backups/registry-$stamp.tar.gz"
ls -1 "$backups" | grep -E '^registry-[0-9]{8}T[0-9]{6}Z\.tar\.gz$' | sort -r | tail -n +$((keep + 1)) |
  while read -r old; do rm -f -- "$backups/$old"; done
echo "registry snapshot: $backups/registry-$stamp.tar.gz"
