package loadbalancer

import "fmt"

// CatchAllPriority is the rule of an app with no route: the last one.
const CatchAllPriority = 50000

// Listener rule priorities are handed out by the load balancer, so two
// services can never collide: apps' own rules get 10, 20, 30, ... and the
// sites' /api/ rules 5, 15, 25, ..., each in the order they are asked for,
// which leaves room for hand-placed rules in between.
type priorities struct {
	apps, sites int
	taken       map[int]bool
}

// NextAppPriority is the next free priority for an app's own rule.
func (l *LoadBalancer) NextAppPriority() int {
	for {
		l.rules.apps++
		if p := 10 * l.rules.apps; !l.rules.taken[p] {
			return p
		}
	}
}

// NextSitePriority is the next free priority for a site's /api/ rule.
func (l *LoadBalancer) NextSitePriority() int {
	for {
		l.rules.sites++
		if p := 10*l.rules.sites - 5; !l.rules.taken[p] {
			return p
		}
	}
}

// CheckPriority says why priority cannot be used on the listener: it is
// outside 1-CatchAllPriority or another rule holds it. Nil when it can.
func (l *LoadBalancer) CheckPriority(priority int) error {
	if priority < 1 || priority > CatchAllPriority {
		return fmt.Errorf("must be 1-%d", CatchAllPriority)
	}
	if l.rules.taken[priority] {
		return fmt.Errorf("is already taken by another rule on %s's listener", *l.Node().Path())
	}
	return nil
}

// ClaimPriority reserves priority on the listener (after CheckPriority).
func (l *LoadBalancer) ClaimPriority(priority int) {
	if l.rules.taken == nil {
		l.rules.taken = map[int]bool{}
	}
	l.rules.taken[priority] = true
}
