# switch-route ROUTES FILE ROUTE, run inside the proxy as root: make ROUTE
# the content of ROUTES/FILE, live only when nginx accepts the whole
# configuration with it; otherwise the previous file is put back (or the
# new one removed) and nginx's complaint printed, so no later reload can
# load a route that was never checked. One switch at a time: rollouts of
# several apps may run at once.
set -eu
routes=$1 file=$2 route=$3
mkdir -p "$routes/hosts"
exec 9>"$routes/.lock"
flock -w 60 9 || { echo "switch-route: another switch held $routes/.lock for 60 s" >&2; exit 1; }
prev="$routes/.prev-$$" next="$routes/.next-$$"
printf '%s\n' "$route" > "$next"
had=false
if [ -e "$routes/$file" ]; then cp -p "$routes/$file" "$prev" && had=true; fi
mv "$next" "$routes/$file"
if out=$(nginx -t -q 2>&1); then
  rm -f "$prev"
  nginx -s reload
else
  if $had; then mv "$prev" "$routes/$file"; else rm -f "$routes/$file"; fi
  echo "switch-route: nginx refused the route for $file; the previous one stays:" >&2
  printf '%s\n' "$out" >&2
  exit 1
fi
