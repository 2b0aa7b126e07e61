package graphcheck

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
)

// literalDimensions are dimension values CloudWatch itself defines, not
// names of resources.
var literalDimensions = map[string]string{"Region": "Global"}

var resourceRef = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$`)

// dimensionAttributes are the resource type and attribute CloudWatch
// expects for a dimension: an ARN where it wants the ARN suffix, say,
// is a valid reference and an alarm that never fires.
var dimensionAttributes = map[string][2]string{
	"LoadBalancer":         {"aws_lb", "arn_suffix"},
	"TargetGroup":          {"aws_lb_target_group", "arn_suffix"},
	"ClusterName":          {"aws_ecs_cluster", "name"},
	"ServiceName":          {"aws_ecs_service", "name"},
	"DBInstanceIdentifier": {"aws_db_instance", "identifier"},
	"DistributionId":       {"aws_cloudfront_distribution", "id"},
}

// watched are the resources that must have an alarm in a stack that has
// alarms at all.
var watched = []string{"aws_ecs_service", "aws_db_instance", "aws_cloudfront_distribution"}

// AlarmWiring checks every aws_cloudwatch_metric_alarm of the stack:
//   - each dimension (of the alarm and of its metric queries) refers to a
//     resource of this stack: an alarm on a name that no longer exists
//     stays "insufficient data" forever and never fires;
//   - each action is an SNS topic of this stack, in the alarm's own
//     region (its provider): CloudWatch notifies no other region;
//   - in a stack with alarms, every ECS service, RDS instance and
//     CloudFront distribution has one.
//
// The emulator stores alarms without checking any of this.
func AlarmWiring(stack []byte) error {
	res, err := resources(stack)
	if err != nil {
		return err
	}
	alarms := res["aws_cloudwatch_metric_alarm"]
	if len(alarms) == 0 {
		return nil
	}
	var errs []error
	covered := map[string]bool{}
	for _, id := range sortedIDs(alarms) {
		a := alarms[id]
		for name, v := range alarmDimensions(a) {
			if v == "" {
				errs = append(errs, fmt.Errorf("alarm %s: dimension %s is empty", id, name))
				continue
			}
			if literalDimensions[name] == v {
				continue
			}
			m := resourceRef.FindStringSubmatch(v)
			if m == nil {
				errs = append(errs, fmt.Errorf("alarm %s: dimension %s is %q, not a reference to a resource of this stack: name the resource, so the alarm goes with it", id, name, v))
				continue
			}
			if _, ok := res[m[1]][m[2]]; !ok {
				errs = append(errs, fmt.Errorf("alarm %s: dimension %s names %s.%s, which is not in this stack: the alarm would never fire", id, name, m[1], m[2]))
				continue
			}
			if want, known := dimensionAttributes[name]; known && (m[1] != want[0] || m[3] != want[1]) {
				errs = append(errs, fmt.Errorf("alarm %s: dimension %s is %s.%s.%s, but CloudWatch names it by %s.%s: the alarm would never fire", id, name, m[1], m[2], m[3], want[0], want[1]))
				continue
			}
			covered[m[1]+"."+m[2]] = true
		}
		for _, field := range []string{"alarm_actions", "ok_actions"} {
			for _, action := range strs(a[field]) {
				m := resourceRef.FindStringSubmatch(action)
				if m == nil || m[1] != "aws_sns_topic" {
					errs = append(errs, fmt.Errorf("alarm %s: %s %q is not an SNS topic of this stack", id, field, action))
					continue
				}
				topic, ok := res["aws_sns_topic"][m[2]]
				if !ok {
					errs = append(errs, fmt.Errorf("alarm %s: %s names topic %s, which is not in this stack", id, field, m[2]))
				} else if a["provider"] != topic["provider"] {
					errs = append(errs, fmt.Errorf("alarm %s (provider %v) notifies topic %s (provider %v): CloudWatch notifies only a topic of the alarm's own region", id, orDefault(a["provider"]), m[2], orDefault(topic["provider"])))
				}
			}
		}
	}
	for _, typ := range watched {
		names := make([]string, 0, len(res[typ]))
		for name := range res[typ] {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if !covered[typ+"."+name] {
				errs = append(errs, fmt.Errorf("%s.%s has no alarm: nobody would hear when it breaks", typ, name))
			}
		}
	}
	return errors.Join(errs...)
}

// alarmDimensions are the alarm's dimensions and its queries' metrics'.
func alarmDimensions(a map[string]any) map[string]string {
	out := map[string]string{}
	add := func(v any) {
		m, _ := v.(map[string]any)
		for k, x := range m {
			s, _ := x.(string)
			out[k] = s
		}
	}
	add(a["dimensions"])
	for _, q := range asList(a["metric_query"]) {
		qm, _ := q.(map[string]any)
		// A nested block is an object in cdktf's JSON, a list in Terraform's.
		metrics := asList(qm["metric"])
		if m, ok := qm["metric"].(map[string]any); ok {
			metrics = []any{m}
		}
		for _, metric := range metrics {
			mm, _ := metric.(map[string]any)
			add(mm["dimensions"])
		}
	}
	return out
}

func orDefault(provider any) any {
	if provider == nil {
		return "default"
	}
	return provider
}
