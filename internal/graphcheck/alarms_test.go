package graphcheck

import (
	"strings"
	"testing"
)

const wiredAlarms = `{"resource": {
  "aws_ecs_service": {"api": {"name": "shop-api"}},
  "aws_sns_topic": {"alerts": {"name": "shop-alerts"}, "edge": {"name": "shop-edge", "provider": "aws.us_east_1"}},
  "aws_cloudfront_distribution": {"site": {"enabled": true}},
  "aws_cloudwatch_metric_alarm": {
    "api-cpu": {"dimensions": {"ServiceName": "${aws_ecs_service.api.name}"},
      "alarm_actions": ["${aws_sns_topic.alerts.arn}"], "ok_actions": ["${aws_sns_topic.alerts.arn}"]},
    "site-5xx": {"provider": "aws.us_east_1", "dimensions": {"DistributionId": "${aws_cloudfront_distribution.site.id}", "Region": "Global"},
      "alarm_actions": ["${aws_sns_topic.edge.arn}"]}
  }}}`

func TestAlarmWiringAcceptsAWiredStack(t *testing.T) {
	if err := AlarmWiring([]byte(wiredAlarms)); err != nil {
		t.Fatal(err)
	}
	if err := AlarmWiring([]byte(`{"resource": {"aws_ecs_service": {"api": {}}}}`)); err != nil {
		t.Errorf("a stack without alarms is not checked for them: %v", err)
	}
}

func TestAlarmWiringRefusals(t *testing.T) {
	stack := `{"resource": {
  "aws_ecs_service": {"api": {"name": "shop-api"}, "worker": {"name": "shop-worker"}},
  "aws_db_instance": {"db": {}},
  "aws_sns_topic": {"alerts": {"name": "shop-alerts"}},
  "aws_cloudwatch_metric_alarm": {
    "gone": {"dimensions": {"TargetGroup": "${aws_lb_target_group.removed.arn_suffix}"}, "alarm_actions": ["${aws_sns_topic.alerts.arn}"]},
    "literal": {"dimensions": {"ServiceName": "shop-api"}, "alarm_actions": ["arn:aws:sns:eu-west-1:1:x"]},
    "arn": {"dimensions": {"ServiceName": "${aws_ecs_service.api.id}", "ClusterName": ""}, "alarm_actions": ["${aws_sns_topic.alerts.arn}"]},
    "math": {"metric_query": [{"id": "m", "metric": {"dimensions": {"ServiceName": "${aws_ecs_service.api.name}", "DBInstanceIdentifier": "${aws_db_instance.db.identifier}"}}}],
      "provider": "aws.us_east_1", "alarm_actions": ["${aws_sns_topic.alerts.arn}"]}
  }}}`
	err := AlarmWiring([]byte(stack))
	if err == nil {
		t.Fatal("a miswired stack passed")
	}
	for _, want := range []string{
		"alarm gone: dimension TargetGroup names aws_lb_target_group.removed, which is not in this stack",
		`alarm literal: dimension ServiceName is "shop-api", not a reference to a resource of this stack`,
		`alarm literal: alarm_actions "arn:aws:sns:eu-west-1:1:x" is not an SNS topic of this stack`,
		"alarm math (provider aws.us_east_1) notifies topic alerts (provider default): CloudWatch notifies only a topic of the alarm's own region",
		"aws_ecs_service.worker has no alarm",
		"alarm arn: dimension ServiceName is aws_ecs_service.api.id, but CloudWatch names it by aws_ecs_service.name",
		"alarm arn: dimension ClusterName is empty",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "aws_db_instance.db has no alarm") || strings.Contains(err.Error(), "aws_ecs_service.api has no alarm") {
		t.Errorf("a metric query's dimensions count as watching:\n%v", err)
	}
}
