// Package healthspec is when an app counts as healthy and how a new
// version takes over, written once for both targets: the AWS load
// balancer's target group and ECS deployment take their timings from it,
// and so do the home server's container health check and rollout gate. A
// test compares the two targets' synthesized JSON against it. It links no
// provider bindings.
package healthspec

import (
	"fmt"
	"time"
)

// Spec is an app's health check and rollout timing.
type Spec struct {
	// Path is requested over HTTP; 200-399 (Matcher) is healthy.
	Path string
	// Interval between checks and Timeout of one check.
	Interval, Timeout time.Duration
	// HealthyThreshold consecutive passes make a new task or container
	// healthy; UnhealthyThreshold consecutive failures make it unhealthy.
	HealthyThreshold, UnhealthyThreshold int
	// StartPeriod is how long failures do not count after a start (ECS:
	// the service's health check grace period; Docker: start_period).
	StartPeriod time.Duration
	// Drain is how long an old version finishes in-flight requests (the
	// target group's deregistration delay; the container's stop grace).
	Drain time.Duration
}

// DefaultServicePath is where a service answers its health check unless
// told otherwise, on both targets.
const DefaultServicePath = "/healthz"

// Matcher is the HTTP status range that counts as healthy on both targets.
const Matcher = "200-399"

// Defaults of For.
const (
	DefaultInterval           = 10 * time.Second
	DefaultTimeout            = 5 * time.Second
	DefaultHealthyThreshold   = 2
	DefaultUnhealthyThreshold = 3
	DefaultStartPeriod        = 30 * time.Second
	DefaultDrain              = 30 * time.Second
)

// For is the default spec for an app answering on path.
func For(path string) Spec {
	return Spec{
		Path: path, Interval: DefaultInterval, Timeout: DefaultTimeout,
		HealthyThreshold: DefaultHealthyThreshold, UnhealthyThreshold: DefaultUnhealthyThreshold,
		StartPeriod: DefaultStartPeriod, Drain: DefaultDrain,
	}
}

// RolloutTimeout is how long a new version may take to turn healthy
// before its rollout fails: the start period, then one interval until
// Docker's first check (it runs one interval after the start) and the
// unhealthy threshold's checks, plus the healthy passes and a margin.
func (s Spec) RolloutTimeout() time.Duration {
	return s.StartPeriod + s.Interval*time.Duration(1+s.UnhealthyThreshold+s.HealthyThreshold) + 10*time.Second
}

// Seconds is d as whole seconds.
func Seconds(d time.Duration) int { return int(d / time.Second) }

// Docker is d in Docker's duration syntax ("10s").
func Docker(d time.Duration) string { return fmt.Sprintf("%ds", Seconds(d)) }
