package alarms

import (
	"cmp"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Alarms is an environment's alerting.
type Alarms struct {
	constructs.Construct
	// Topic receives every alarm of the region and the deployment events;
	// EdgeTopic the distributions' alarms in us-east-1 (nil without any).
	Topic, EdgeTopic *Topic
	// Alarms by name.
	Alarms map[string]cloudwatchmetricalarm.CloudwatchMetricAlarm
	// DashboardName is the CloudWatch dashboard's name ("" when there is
	// nothing to show).
	DashboardName string
}

// New creates the topics, the alarms, the deployment rule and the
// dashboard.
func New(scope constructs.Construct, id string, props Props) (*Alarms, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	acct := account{
		partition: *dataawspartition.NewDataAwsPartition(c, jsii.String("partition"), &dataawspartition.DataAwsPartitionConfig{}).Partition(),
		id:        *dataawscalleridentity.NewDataAwsCallerIdentity(c, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId(),
	}
	a := &Alarms{Construct: c, Alarms: map[string]cloudwatchmetricalarm.CloudwatchMetricAlarm{}}
	a.Topic = newTopic(c, "topic", props.Name+"-alerts", nil, acct, props)
	if len(props.Distributions) > 0 {
		a.EdgeTopic = newTopic(c, "edge-topic", props.Name+"-edge-alerts", props.USEast1, acct, props)
	}
	t := props.Thresholds
	for _, s := range props.Services {
		a.serviceAlarms(props, s, t)
	}
	for _, d := range props.Databases {
		a.databaseAlarms(props, d, t)
	}
	for _, d := range props.Distributions {
		a.add(alarm{name: props.Name + "-" + d.App + "-edge-5xx", provider: props.USEast1, topic: a.EdgeTopic,
			what:      fmt.Sprintf("More than %g%% of %s's viewer requests answered 5xx by CloudFront", t.Distribution5xxPercent, d.App),
			namespace: "AWS/CloudFront", metric: "5xxErrorRate", stat: "Average",
			dims: map[string]*string{"DistributionId": d.ID, "Region": jsii.String("Global")},
			op:   above, threshold: t.Distribution5xxPercent})
	}
	if len(props.Services) > 0 {
		deploymentRule(c, props, acct, a.Topic)
	}
	if len(props.Services)+len(props.Databases)+len(props.Distributions) > 0 {
		newDashboard(c, props)
		a.DashboardName = props.Name
	}
	return a, nil
}

// serviceAlarms: errors, latency, unhealthy targets, missing tasks, CPU
// and memory.
func (a *Alarms) serviceAlarms(props Props, s Service, t alerting.Thresholds) {
	lb := map[string]*string{"LoadBalancer": props.LoadBalancerARNSuffix, "TargetGroup": s.TargetGroupARNSuffix}
	ecs := map[string]*string{"ClusterName": props.ClusterName, "ServiceName": s.ServiceName}
	prefix := props.Name + "-" + s.App
	a.add(alarm{name: prefix + "-5xx", topic: a.Topic, op: above, threshold: t.Service5xxPercent,
		what: fmt.Sprintf("More than %g%% of %s's requests answered 5xx by its tasks", t.Service5xxPercent, s.App),
		// Percent of requests; no requests counts as none failing.
		expression: "100 * FILL(errors, 0) / FILL(requests, 1)",
		queries: []query{
			{id: "errors", namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count", stat: "Sum", dims: lb},
			{id: "requests", namespace: "AWS/ApplicationELB", metric: "RequestCount", stat: "Sum", dims: lb},
		}})
	a.add(alarm{name: prefix + "-p99", topic: a.Topic, op: above, threshold: t.ServiceP99Seconds,
		what:      fmt.Sprintf("%s's 99th percentile response time above %gs", s.App, t.ServiceP99Seconds),
		namespace: "AWS/ApplicationELB", metric: "TargetResponseTime", extended: "p99", dims: lb})
	a.add(alarm{name: prefix + "-unhealthy", topic: a.Topic, op: above, threshold: 0,
		what:      s.App + " has targets its load balancer finds unhealthy",
		namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount", stat: "Maximum", dims: lb})
	a.add(alarm{name: prefix + "-tasks", topic: a.Topic, op: above, threshold: 0,
		what: s.App + " runs fewer tasks than desired (Container Insights)",
		// Missing data means no tasks reported at all: that is breaching.
		expression: "FILL(desired, 1) - FILL(running, 0)", missing: "breaching",
		queries: []query{
			{id: "desired", namespace: "ECS/ContainerInsights", metric: "DesiredTaskCount", stat: "Average", dims: ecs},
			{id: "running", namespace: "ECS/ContainerInsights", metric: "RunningTaskCount", stat: "Average", dims: ecs},
		}})
	a.add(alarm{name: prefix + "-cpu", topic: a.Topic, op: above, threshold: t.ServiceCPUPercent,
		what:      fmt.Sprintf("%s's CPU above %g%% of its task size", s.App, t.ServiceCPUPercent),
		namespace: "AWS/ECS", metric: "CPUUtilization", stat: "Average", dims: ecs})
	a.add(alarm{name: prefix + "-memory", topic: a.Topic, op: above, threshold: t.ServiceMemoryPercent,
		what:      fmt.Sprintf("%s's memory above %g%% of its task size", s.App, t.ServiceMemoryPercent),
		namespace: "AWS/ECS", metric: "MemoryUtilization", stat: "Average", dims: ecs})
}

// databaseAlarms: CPU, free storage, connections.
func (a *Alarms) databaseAlarms(props Props, d Database, t alerting.Thresholds) {
	dims := map[string]*string{"DBInstanceIdentifier": d.InstanceID}
	prefix := props.Name + "-" + d.App + "-db"
	a.add(alarm{name: prefix + "-cpu", topic: a.Topic, op: above, threshold: t.DatabaseCPUPercent,
		what:      fmt.Sprintf("%s's database CPU above %g%%", d.App, t.DatabaseCPUPercent),
		namespace: "AWS/RDS", metric: "CPUUtilization", stat: "Average", dims: dims})
	a.add(alarm{name: prefix + "-storage", topic: a.Topic, op: below, threshold: t.DatabaseFreeStorageGiB * (1 << 30),
		what:      fmt.Sprintf("%s's database has less than %g GiB free storage", d.App, t.DatabaseFreeStorageGiB),
		namespace: "AWS/RDS", metric: "FreeStorageSpace", stat: "Minimum", dims: dims})
	a.add(alarm{name: prefix + "-connections", topic: a.Topic, op: above, threshold: float64(t.DatabaseConnections),
		what:      fmt.Sprintf("%s's database has more than %d connections", d.App, t.DatabaseConnections),
		namespace: "AWS/RDS", metric: "DatabaseConnections", stat: "Maximum", dims: dims})
}

const (
	above = "GreaterThanThreshold"
	below = "LessThanThreshold"
)

// alarm is one alarm: a single metric, or an expression over queries.
type alarm struct {
	name, what                        string
	provider                          cdktf.TerraformProvider
	topic                             *Topic
	namespace, metric, stat, extended string
	dims                              map[string]*string
	expression                        string
	queries                           []query
	op                                string
	threshold                         float64
	missing                           string
}

type query struct {
	id, namespace, metric, stat string
	dims                        map[string]*string
}

// add creates the alarm: it notifies when it fires and when it recovers.
func (a *Alarms) add(al alarm) {
	actions := &[]*string{al.topic.Topic.Arn()}
	cfg := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		Provider:           al.provider,
		AlarmName:          jsii.String(al.name),
		AlarmDescription:   jsii.String(al.what),
		ComparisonOperator: jsii.String(al.op),
		Threshold:          jsii.Number(al.threshold),
		EvaluationPeriods:  jsii.Number(alerting.EvaluationPeriods),
		DatapointsToAlarm:  jsii.Number(alerting.EvaluationPeriods),
		TreatMissingData:   jsii.String(cmp.Or(al.missing, "notBreaching")),
		AlarmActions:       actions,
		OkActions:          actions,
	}
	if al.expression == "" {
		cfg.Namespace, cfg.MetricName = jsii.String(al.namespace), jsii.String(al.metric)
		cfg.Period = jsii.Number(alerting.PeriodSeconds)
		cfg.Dimensions = &al.dims
		if al.extended != "" {
			cfg.ExtendedStatistic = jsii.String(al.extended)
		} else {
			cfg.Statistic = jsii.String(al.stat)
		}
	} else {
		queries := []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{{
			Id: jsii.String("result"), Expression: jsii.String(al.expression), Label: jsii.String(al.what), ReturnData: jsii.Bool(true),
		}}
		for _, q := range al.queries {
			dims := q.dims
			queries = append(queries, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
				Id: jsii.String(q.id), ReturnData: jsii.Bool(false),
				Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
					Namespace: jsii.String(q.namespace), MetricName: jsii.String(q.metric), Stat: jsii.String(q.stat),
					Period: jsii.Number(alerting.PeriodSeconds), Dimensions: &dims,
				},
			})
		}
		cfg.MetricQuery = &queries
	}
	a.Alarms[al.name] = cloudwatchmetricalarm.NewCloudwatchMetricAlarm(a.Construct, jsii.String(al.name), cfg)
}
