package restservice

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/naming"
)

// newRouting adds the app's target group (the health check of
// healthspec), its listener rule and one rule per site that serves it
// under /api/; it returns the rules, which the service waits for.
func newRouting(c constructs.Construct, s *Service, props Props, health healthspec.Spec) []cdktf.ITerraformDependable {
	s.TargetGroup = lbtargetgroup.NewLbTargetGroup(c, jsii.String(idTargetGroup), &lbtargetgroup.LbTargetGroupConfig{
		Name:                jsii.String(naming.AppTargetGroup(props.Project, props.App).Value),
		Port:                jsii.Number(float64(props.Port)),
		Protocol:            jsii.String("HTTP"),
		TargetType:          jsii.String("ip"),
		VpcId:               props.Network.VPCID(),
		DeregistrationDelay: jsii.String(strconv.Itoa(healthspec.Seconds(health.Drain))),
		// The same check, timings and thresholds gate a new container on
		// the home server (healthspec).
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled: jsii.Bool(true), Path: jsii.String(health.Path), Matcher: jsii.String(healthspec.Matcher),
			Interval: jsii.Number(float64(healthspec.Seconds(health.Interval))), Timeout: jsii.Number(float64(healthspec.Seconds(health.Timeout))),
			HealthyThreshold: jsii.Number(float64(health.HealthyThreshold)), UnhealthyThreshold: jsii.Number(float64(health.UnhealthyThreshold)),
		},
		Tags: &map[string]*string{"app": jsii.String(props.App)},
	})
	s.Rule = lblistenerrule.NewLbListenerRule(c, jsii.String(idRule), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: props.LoadBalancer.Listener.Arn(),
		Priority:    jsii.Number(float64(props.Priority)),
		Action:      &[]*lblistenerrule.LbListenerRuleAction{{Type: jsii.String("forward"), TargetGroupArn: s.TargetGroup.Arn()}},
		// Only the app's own distribution sends its name (OriginHeader).
		Condition: withOrigin(conditions(props.Route), props.App),
		Tags:      &map[string]*string{"app": jsii.String(props.App)},
	})
	deps := []cdktf.ITerraformDependable{s.Rule}
	for _, site := range props.Sites {
		rule := lblistenerrule.NewLbListenerRule(c, jsii.String(idRule+"-site-"+site.Site.App()), &lblistenerrule.LbListenerRuleConfig{
			ListenerArn: props.LoadBalancer.Listener.Arn(),
			Priority:    jsii.Number(float64(site.Priority)),
			Action:      &[]*lblistenerrule.LbListenerRuleAction{{Type: jsii.String("forward"), TargetGroupArn: s.TargetGroup.Arn()}},
			// Only the site's distribution sends the site's name.
			Condition: withOrigin(conditions(Route{Path: loadbalancer.SitePath}), site.Site.App()),
			Tags:      &map[string]*string{"app": jsii.String(props.App), "site": jsii.String(site.Site.App())},
		})
		deps = append(deps, rule)
	}
	return deps
}

// withOrigin adds the condition that the request came through app's
// distribution (loadbalancer.OriginHeader).
func withOrigin(conds *[]*lblistenerrule.LbListenerRuleCondition, app string) *[]*lblistenerrule.LbListenerRuleCondition {
	out := append(*conds, &lblistenerrule.LbListenerRuleCondition{HttpHeader: &lblistenerrule.LbListenerRuleConditionHttpHeader{
		HttpHeaderName: jsii.String(loadbalancer.OriginHeader), Values: jsii.Strings(app),
	}})
	return &out
}

// conditions turns a route into listener rule conditions; an empty route
// matches every path.
func conditions(r Route) *[]*lblistenerrule.LbListenerRuleCondition {
	var out []*lblistenerrule.LbListenerRuleCondition
	if r.Host != "" {
		out = append(out, &lblistenerrule.LbListenerRuleCondition{HostHeader: &lblistenerrule.LbListenerRuleConditionHostHeader{Values: jsii.Strings(r.Host)}})
	}
	path := r.Path
	if r.Host == "" && path == "" {
		path = "/*"
	}
	if path != "" {
		out = append(out, &lblistenerrule.LbListenerRuleCondition{PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: jsii.Strings(path)}})
	}
	return &out
}
