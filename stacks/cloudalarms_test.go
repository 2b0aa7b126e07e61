package stacks_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/alerting"
)

// TestCloudAlarms: each service, database and distribution has its
// alarms with the project file's thresholds (defaults where it is
// silent), each notifies the topic of its own region on alarm and on
// recovery, the topics are encrypted with keys the publishers may use,
// the receivers are subscribed, failed deployments reach the topic, and
// the dashboard shows the same metrics.
func TestCloudAlarms(t *testing.T) {
	s := secured.Stacks["cloud"]
	alarms := s.Resources("aws_cloudwatch_metric_alarm")
	var names []string
	byName := map[string]map[string]any{}
	for _, a := range alarms {
		names = append(names, fmt.Sprint(a["alarm_name"]))
		byName[fmt.Sprint(a["alarm_name"])] = a
	}
	sort.Strings(names)
	var want []string
	for _, svc := range []string{"orders", "ranker"} {
		for _, kind := range []string{"5xx", "p99", "unhealthy", "tasks", "cpu", "memory"} {
			want = append(want, "shop-production-"+svc+"-"+kind)
		}
	}
	want = append(want, "shop-production-orders-db-connections", "shop-production-orders-db-cpu", "shop-production-orders-db-storage",
		"shop-production-ranker-edge-5xx", "shop-production-web-edge-5xx")
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Errorf("alarms:\n got %v\nwant %v", names, want)
	}
	topicID := idOf(t, s, "aws_sns_topic", "name", "shop-production-alerts")
	edgeID := idOf(t, s, "aws_sns_topic", "name", "shop-production-edge-alerts")
	for name, a := range byName {
		topic := topicID
		if strings.HasSuffix(name, "-edge-5xx") {
			topic = edgeID
			eq(t, a, "provider", "aws.us_east_1")
		}
		for _, field := range []string{"alarm_actions", "ok_actions"} {
			if got := fmt.Sprint(a[field]); got != fmt.Sprint([]any{ref("aws_sns_topic", topic, "arn")}) {
				t.Errorf("%s %s = %s", name, field, got)
			}
		}
		eq(t, a, "evaluation_periods", float64(alerting.EvaluationPeriods))
	}
	eq(t, byName["shop-production-orders-p99"], "threshold", 0.5) // the project file's
	eq(t, byName["shop-production-orders-p99"], "extended_statistic", "p99")
	eq(t, byName["shop-production-orders-cpu"], "threshold", alerting.DefaultServiceCPUPercent)
	eq(t, byName["shop-production-orders-db-storage"], "threshold", alerting.DefaultDatabaseFreeStorageGiB*(1<<30))
	eq(t, byName["shop-production-orders-db-storage"], "comparison_operator", "LessThanThreshold")

	for _, id := range []string{topicID, edgeID} {
		topic := s.Resources("aws_sns_topic")[id]
		keyRef := fmt.Sprint(topic["kms_master_key_id"])
		if !strings.HasPrefix(keyRef, "${aws_kms_key.") {
			t.Fatalf("topic %s is not encrypted with a key of the stack: %v", id, keyRef)
		}
		key := s.Resources("aws_kms_key")[strings.Split(keyRef, ".")[1]]
		eq(t, key, "enable_key_rotation", true)
		policy := fmt.Sprint(key["policy"])
		for _, service := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com"} {
			if !strings.Contains(policy, service) {
				t.Errorf("the key of topic %s does not let %s publish: %s", id, service, policy)
			}
		}
	}
	var subs []string
	for _, sub := range s.Resources("aws_sns_topic_subscription") {
		subs = append(subs, fmt.Sprint(sub["protocol"], " ", sub["endpoint"], " ", sub["provider"]))
	}
	sort.Strings(subs)
	wantSubs := []string{"email ops@shop.example.com <nil>", "email ops@shop.example.com aws.us_east_1",
		"https https://hooks.shop.example.com/alerts <nil>", "https https://hooks.shop.example.com/alerts aws.us_east_1"}
	if !slices.Equal(subs, wantSubs) {
		t.Errorf("subscriptions:\n got %v\nwant %v", subs, wantSubs)
	}

	rule := s.Resources("aws_cloudwatch_event_rule")[onlyID(t, s, "aws_cloudwatch_event_rule")]
	var pattern map[string]any
	if err := json.Unmarshal([]byte(fmt.Sprint(rule["event_pattern"])), &pattern); err != nil {
		t.Fatal(err)
	}
	// ECS's deployment events name the service in resources, not the
	// cluster in detail: the rule matches the cluster's service ARNs.
	if got := fmt.Sprint(pattern["detail"]); !strings.Contains(got, "SERVICE_DEPLOYMENT_FAILED") || strings.Contains(got, "clusterArn") {
		t.Errorf("deployment rule detail: %v", pattern["detail"])
	}
	if got := fmt.Sprint(pattern["resources"]); !strings.Contains(got, "prefix") || !strings.Contains(got, ":service/${aws_ecs_cluster.") {
		t.Errorf("deployment rule resources: %v", pattern["resources"])
	}
	target := s.Resources("aws_cloudwatch_event_target")[onlyID(t, s, "aws_cloudwatch_event_target")]
	eq(t, target, "arn", ref("aws_sns_topic", topicID, "arn"))

	dashboard := s.Resources("aws_cloudwatch_dashboard")[onlyID(t, s, "aws_cloudwatch_dashboard")]
	body := fmt.Sprint(dashboard["dashboard_body"])
	for _, part := range []string{"HTTPCode_Target_5XX_Count", "RunningTaskCount", "FreeStorageSpace", "5xxErrorRate", `"region":"us-east-1"`} {
		if !strings.Contains(body, part) {
			t.Errorf("the dashboard lacks %s", part)
		}
	}
	if len(plain.Stacks["cloud"].Resources("aws_sns_topic_subscription")) != 0 {
		t.Error("a project without receivers has subscriptions")
	}
	if n := len(plain.Stacks["cloud"].Resources("aws_cloudwatch_metric_alarm")); n != len(alarms) {
		t.Errorf("alarms exist without receivers too: %d, want %d", n, len(alarms))
	}
}
