package alarms

import (
	"encoding/json"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatcheventtarget"
)

// deploymentRule sends the cluster's failed deployments to the topic. A
// deployment the circuit breaker rolls back fails first, so both arrive
// as SERVICE_DEPLOYMENT_FAILED; a task that cannot start at all arrives
// as SERVICE_TASK_START_IMPAIRED.
func deploymentRule(scope constructs.Construct, props Props, acct account, topic *Topic) {
	// Both kinds of event name the service in "resources" (the deployment
	// state change has no cluster in its detail).
	services := "arn:" + acct.partition + ":ecs:" + props.Region + ":" + acct.id + ":service/" + *props.ClusterName + "/"
	pattern, _ := json.Marshal(map[string]any{
		"source":      []string{"aws.ecs"},
		"detail-type": []string{"ECS Deployment State Change", "ECS Service Action"},
		"resources":   []map[string]string{{"prefix": services}},
		"detail": map[string]any{
			"eventName": []string{"SERVICE_DEPLOYMENT_FAILED", "SERVICE_TASK_START_IMPAIRED"},
		},
	})
	rule := cloudwatcheventrule.NewCloudwatchEventRule(scope, jsii.String("deployments"), &cloudwatcheventrule.CloudwatchEventRuleConfig{
		Name:         jsii.String(props.Name + "-ecs-deployments"),
		Description:  jsii.String("Failed ECS deployments, rollbacks and tasks that cannot start in " + props.Name),
		EventPattern: jsii.String(string(pattern)),
	})
	cloudwatcheventtarget.NewCloudwatchEventTarget(scope, jsii.String("deployments-to-topic"), &cloudwatcheventtarget.CloudwatchEventTargetConfig{
		Rule: rule.Name(), Arn: topic.Topic.Arn(),
	})
}
