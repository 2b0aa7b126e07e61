// Package rollout replaces an app's container on the home server the way
// ECS replaces a task behind its load balancer: the new container starts
// beside the old one under a new name (create before destroy), must pass
// its health check and the load balancer's HTTP check (healthspec, the
// same on both targets), and only then takes the route at the front proxy;
// the old one then drains and stops. A container that never turns healthy
// fails the deploy, naming the app, the check and its last log lines, and
// is removed; the old one keeps serving.
package rollout
