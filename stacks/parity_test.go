package stacks_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
)

// TestDeploySemanticsParity reads both targets' synthesized JSON for the
// same app and checks that a new version is deployed the same way, from
// one healthspec: the same health path, interval, timeout, thresholds and
// start period; the new version must be healthy before the old one stops;
// a version that never turns healthy leaves the old one serving (ECS: the
// circuit breaker rolls back; home server: the gate removes the new
// container before it takes the route). The on-prem run itself is proven
// by TestOnPremDeploysForReal (a probe sees no failed request during a
// rollout; a bad release fails and the old container keeps serving).
func TestDeploySemanticsParity(t *testing.T) {
	for _, app := range []string{"orders", "ranker"} {
		t.Run(app, func(t *testing.T) {
			spec := healthspec.For("/healthz")
			sec := func(d interface{ Seconds() float64 }) int { return int(d.Seconds()) }

			// AWS: the target group's check, the service's grace and
			// rollout.
			cloud := plain.Stacks["cloud"]
			tg := cloud.Resources("aws_lb_target_group")[idOf(t, cloud, "aws_lb_target_group", "name", "shop-"+app)]
			eq(t, tg, "health_check.path", spec.Path)
			eq(t, tg, "health_check.matcher", healthspec.Matcher)
			eq(t, tg, "health_check.interval", sec(spec.Interval))
			eq(t, tg, "health_check.timeout", sec(spec.Timeout))
			eq(t, tg, "health_check.healthy_threshold", spec.HealthyThreshold)
			eq(t, tg, "health_check.unhealthy_threshold", spec.UnhealthyThreshold)
			eq(t, tg, "deregistration_delay", strconv.Itoa(sec(spec.Drain)))
			svc := cloud.Resources("aws_ecs_service")[idOf(t, cloud, "aws_ecs_service", "name", app)]
			eq(t, svc, "health_check_grace_period_seconds", sec(spec.StartPeriod))
			// New tasks start beside the old ones and must be healthy first.
			eq(t, svc, "deployment_minimum_healthy_percent", 100)
			eq(t, svc, "deployment_maximum_percent", 200)
			eq(t, svc, "deployment_circuit_breaker.rollback", true)

			// Home server: Docker's check, the container's lifecycle and
			// the rollout gate in front of the proxy's route.
			onprem := plain.Stacks["onprem"]
			id := appContainerID(t, onprem, app)
			c := onprem.Resources("docker_container")[id]
			eq(t, c, "healthcheck.interval", healthspec.Docker(spec.Interval))
			eq(t, c, "healthcheck.timeout", healthspec.Docker(spec.Timeout))
			eq(t, c, "healthcheck.retries", spec.UnhealthyThreshold)
			eq(t, c, "healthcheck.start_period", healthspec.Docker(spec.StartPeriod))
			eq(t, c, "destroy_grace_seconds", sec(spec.Drain))
			eq(t, c, "lifecycle.create_before_destroy", true)
			eq(t, c, "wait", false)
			if _, ok := c["ports"]; ok {
				t.Error("the container publishes a host port: old and new could not run side by side")
			}
			gate := onprem.Resources("terraform_data")[gateOf(t, onprem, id)]
			eq(t, gate, "lifecycle.create_before_destroy", true)
			// The gate first waits for the proxy to be healthy.
			eq(t, gate, "depends_on", []any{"terraform_data." + readyFor(t, onprem, "shop-proxy")})
			env := gate["provisioner"].([]any)[0].(map[string]any)["local-exec"].(map[string]any)["environment"].(map[string]any)
			for k, want := range map[string]string{
				"HEALTH_PATH": spec.Path, "HEALTHY": strconv.Itoa(spec.HealthyThreshold),
				"CHECK_TIMEOUT": strconv.Itoa(sec(spec.Timeout)), "TIMEOUT": strconv.Itoa(sec(spec.RolloutTimeout())),
				"APP": app, "PROXY": "shop-proxy",
				// The old container drains as long as ECS's deregistration delay.
				"DRAIN": strconv.Itoa(sec(spec.Drain)),
			} {
				if fmt.Sprint(env[k]) != want {
					t.Errorf("gate %s = %v, want %s", k, env[k], want)
				}
			}

		})
	}
	// The gate's order: health first, the route last, and a failure
	// removes the new container and stops before the route changes.
	s := rollout.Script
	health, http, route, drain := strings.Index(s, `"running healthy") break`), strings.Index(s, "wget -q -T"), strings.Index(s, `sh -c "$SWITCH_ROUTE"`), strings.Index(s, `"shuttin[g] down"`)
	if health < 0 || http < health || route < http || drain < route {
		t.Errorf("the rollout script must wait for Docker's health, then the HTTP check, then switch the route, then drain:\n%s", s)
	}
	if sw := frontproxy.SwitchRouteScript; strings.Index(sw, "nginx -t") > strings.Index(sw, "nginx -s reload") || !strings.Contains(sw, "flock") {
		t.Errorf("the route switch must check the route (nginx -t) before any reload, one switch at a time:\n%s", sw)
	}
	// The sweep compares names: `docker ps -q` would print ids and match
	// nothing, removing the new container too.
	if sweep := s[strings.Index(s, "for c in $(d ps"):]; !strings.Contains(sweep, "--format '{{.Names}}'") || strings.Contains(sweep[:strings.Index(sweep, "\n")], " -aq ") {
		t.Errorf("the sweep must list container names:\n%s", sweep)
	}
	fail := s[strings.Index(s, "fail() {"):strings.Index(s, "deadline=")]
	if !strings.Contains(fail, `rm -f "$CONTAINER"`) || !strings.Contains(fail, "exit 1") || strings.Contains(fail, "reload") {
		t.Errorf("a failed rollout must remove the new container, exit 1 and leave the route alone:\n%s", fail)
	}
}
