# Health-gated rollout of one new container behind the front proxy. Runs
# on the deploying machine (docker CLI), after Terraform started the new
# container beside the old one:
#  1. wait until Docker reports it healthy (its own health check), failing
#     early when it turns unhealthy or stops;
#  2. make the load balancer's check from the proxy: HEALTH_PATH must
#     answer 200-399, HEALTHY times in a row;
#  3. point the app's route at it (staging: its port's route file; a
#     preview: its host names, HOSTS) once nginx accepted it (SWITCH_ROUTE),
#     and reload nginx (graceful: requests in flight finish on the old
#     container, which Terraform stops next, after they did or DRAIN
#     seconds);
#  4. remove containers of the app that no deploy owns.
# On failure it prints the app, the health check and the container's last
# log lines, removes the new container and exits 1; the route still names
# the old container, which keeps serving. It also tells ALERTMANAGER (a
# container name; empty: nobody), as an event.
set -eu
d() { docker -H "$DOCKER_HOST" "$@"; }
notify() {
  [ -n "$ALERTMANAGER" ] || return 0
  d exec "$ALERTMANAGER" amtool alert add --alertmanager.url=http://127.0.0.1:9093 RolloutFailed \
    kind=event severity=warning "project=$PROJECT" "target=$APP" "instance=$CONTAINER" \
    "--annotation=summary=rollout of $APP failed: the new container $1; the running version keeps serving" >/dev/null 2>&1 ||
    echo "  (Alertmanager $ALERTMANAGER could not be told)" >&2
}
fail() {
  notify "$1"
  echo "rollout of $APP failed: the new container $CONTAINER $1." >&2
  echo "  health check: $HEALTH_CHECK; then GET $HEALTH_PATH answering 200-399 $HEALTHY times" >&2
  last=$(d inspect --format '{{if .State.Health}}{{range .State.Health.Log}}{{.ExitCode}}: {{.Output}}{{end}}{{end}}' "$CONTAINER" 2>/dev/null | tail -n 3 || true)
  [ -z "$last" ] || printf '  last health check results:\n%s\n' "$last" | sed 's/^/    /' >&2
  echo "  last log lines:" >&2
  d logs --tail 20 "$CONTAINER" 2>&1 | sed 's/^/    /' >&2 || true
  d rm -f "$CONTAINER" >/dev/null 2>&1 || true
  echo "  The new container was removed; the running version keeps serving. Fix it and deploy again." >&2
  exit 1
}
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  state=$(d inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$CONTAINER" 2>/dev/null) ||
    fail "is gone"
  case "$state" in
    "running healthy") break ;;
    "running unhealthy") fail "turned unhealthy" ;;
    "running none") fail "has no health check" ;;
    running*) ;;
    *) fail "stopped ($state)" ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "was not healthy within ${TIMEOUT}s"
  sleep 1
done
# The proxy is replaced in place when its own settings change, maybe in
# this same apply: check and route only through a running, healthy one.
proxy_deadline=$(( $(date +%s) + TIMEOUT ))
until [ "$(d inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$PROXY" 2>/dev/null)" = "running healthy" ]; do
  [ "$(date +%s)" -lt "$proxy_deadline" ] || fail "could not be checked: the proxy $PROXY is not running and healthy"
  sleep 1
done
passes=0
while [ "$passes" -lt "$HEALTHY" ]; do
  d exec "$PROXY" wget -q -T "$CHECK_TIMEOUT" -O /dev/null "http://$CONTAINER:$PORT$HEALTH_PATH" >/dev/null 2>&1 ||
    fail "does not answer GET $HEALTH_PATH with 200-399 from the proxy"
  passes=$((passes + 1))
  [ "$passes" -ge "$HEALTHY" ] || sleep 1
done
# The container the route names now: it keeps running until Terraform
# stops it after the drain.
OLD=$(d exec "$PROXY" sh -c "cat $ROUTES/$APP.conf $ROUTES/hosts/${HOSTS%% *}.conf 2>/dev/null" | sed -n 's/.*"\([^":]*\):[0-9]*".*/\1/p' | head -n 1 || true)
if [ -z "$HOSTS" ]; then
  # staging: the app's port server forwards to $backend
  file=$APP.conf route="set \$backend \"$CONTAINER:$PORT\";"
else
  # a preview: a line per host name in the preview server's map
  file=hosts/${HOSTS%% *}.conf route=
  for h in $HOSTS; do route="$route$h \"$CONTAINER:$PORT\";
"; done
fi
d exec -u 0 "$PROXY" sh -c "$SWITCH_ROUTE" switch-route "$ROUTES" "$file" "$route" ||
  fail "could not be routed (the proxy refused the route; the old one stays)"
# Drain, as ECS's deregistration delay: nginx's old workers (titled
# "worker process is shutting down") finish the requests they hold before
# Terraform stops the old container; at most DRAIN seconds.
drain_end=$(( $(date +%s) + DRAIN ))
# ([g]: the pattern must not match the grep and shell that search.)
while d exec "$PROXY" sh -c 'grep -qs "shuttin[g] down" /proc/[0-9]*/cmdline' 2>/dev/null; do
  if [ "$(date +%s)" -ge "$drain_end" ]; then
    echo "rollout of $APP: requests still open after the ${DRAIN}s drain; the old container stops now" >&2
    break
  fi
  sleep 1
done
# Containers of this app that are neither the new one nor the one the
# route named (left by a deploy that crashed before Terraform saved its
# state) are removed: nothing routes to them, and the release check wants
# one container per app.
for c in $(d ps -a --filter "label=fullstack.app=$APP" --filter "name=^$PROJECT-$APP-" --format '{{.Names}}'); do
  case "$c" in
    "$CONTAINER" | "$OLD") ;;
    *) d rm -f -v "$c" >/dev/null && echo "rollout of $APP: removed $c, which no deploy owned" ;;
  esac
done
echo "rollout of $APP: $CONTAINER is healthy and serving"
