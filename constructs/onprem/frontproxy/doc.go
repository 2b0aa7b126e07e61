// Package frontproxy is the home server's front door: one nginx container
// that owns every app's and site's host port and forwards each to the
// container currently serving it. Which container that is lives in a
// route file per app on a volume, rewritten (and nginx reloaded,
// gracefully) by a rollout only after the new container passed its health
// check; so a new version takes traffic only once healthy, the old one
// finishes its requests, and a version that never turns healthy never
// gets any. Names resolve through Docker's DNS at request time, so the
// proxy survives app containers and the engine restarting.
package frontproxy
