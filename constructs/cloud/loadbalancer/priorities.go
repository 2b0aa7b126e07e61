package loadbalancer

import (
	"fmt"
	"slices"
)

// CatchAllPriority is the rule of an app with no route: the last one.
const CatchAllPriority = 50000

// Listener rule priorities are handed out by the load balancer, so two
// services can never collide: apps' own rules get the lowest free of 10,
// 20, 30, ... and the sites' /api/ rules the lowest free of 5, 15, 25, ...,
// which leaves room for hand-placed rules in between. Asking claims
// nothing: a service claims its priorities once its props are valid.

// NextAppPriority is the lowest free priority for an app's own rule that
// is not one of also (priorities the caller is about to claim).
func (l *LoadBalancer) NextAppPriority(also ...int) int { return l.next(10, also) }

// NextSitePriority is the lowest free priority for a site's /api/ rule
// that is not one of also.
func (l *LoadBalancer) NextSitePriority(also ...int) int { return l.next(5, also) }

func (l *LoadBalancer) next(first int, also []int) int {
	p := first
	for l.taken[p] || slices.Contains(also, p) {
		p += 10
	}
	return p
}

// CheckPriority says why priority cannot be used on the listener: it is
// outside 1-CatchAllPriority or another rule holds it. Nil when it can.
func (l *LoadBalancer) CheckPriority(priority int) error {
	if priority < 1 || priority > CatchAllPriority {
		return fmt.Errorf("must be 1-%d", CatchAllPriority)
	}
	if l.taken[priority] {
		return fmt.Errorf("is already taken by another rule on %s's listener", *l.Node().Path())
	}
	return nil
}

// ClaimPriority reserves priority on the listener (after CheckPriority).
func (l *LoadBalancer) ClaimPriority(priority int) {
	if l.taken == nil {
		l.taken = map[int]bool{}
	}
	l.taken[priority] = true
}

// Routes: a host and path pattern may front one service only. A second
// service with the same route would synthesize and apply, and never
// receive a request, so services claim their routes here and are refused
// a route another service holds. The empty route is the catch-all.

// RouteOwner returns the app that holds the route on this listener.
func (l *LoadBalancer) RouteOwner(host, path string) (app string, taken bool) {
	app, taken = l.routes[routeKey(host, path)]
	return app, taken
}

// ClaimRoute records that app's service answers host and path (after
// RouteOwner found it free).
func (l *LoadBalancer) ClaimRoute(host, path, app string) {
	if l.routes == nil {
		l.routes = map[string]string{}
	}
	l.routes[routeKey(host, path)] = app
}

func routeKey(host, path string) string { return host + "\x00" + path }
