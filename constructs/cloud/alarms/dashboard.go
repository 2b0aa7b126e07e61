package alarms

import (
	"encoding/json"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
)

// Dashboard layout: one row per service, database and distribution, each
// of four 6-wide graphs of the metrics its alarms watch.
const widgetWidth, widgetHeight = 6, 6

type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// graph is a metric widget: metrics in CloudWatch's array form
// [namespace, metric, dim, value, ..., {options}].
func graph(title, region string, x, y int, metrics ...[]any) widget {
	return widget{Type: "metric", X: x, Y: y, Width: widgetWidth, Height: widgetHeight, Properties: map[string]any{
		"title": title, "region": region, "view": "timeSeries", "stacked": false,
		"period": 300, "metrics": metrics,
	}}
}

func metric(namespace, name string, stat string, dims ...*string) []any {
	m := []any{namespace, name}
	for _, d := range dims {
		m = append(m, *d)
	}
	return append(m, map[string]string{"stat": stat})
}

// DashboardLayout is the dashboard's widgets, in rows (for the docs and
// tests, which render it as text).
func DashboardLayout(props Props) [][]string {
	var rows [][]string
	for _, w := range widgets(props) {
		if w.X == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], w.Properties["title"].(string))
	}
	return rows
}

func widgets(props Props) []widget {
	var out []widget
	y := 0
	row := func(ws ...widget) {
		for i := range ws {
			ws[i].X, ws[i].Y = i*widgetWidth, y
		}
		out = append(out, ws...)
		y += widgetHeight
	}
	lbName, tgName := jsii.String("LoadBalancer"), jsii.String("TargetGroup")
	cluster, service := jsii.String("ClusterName"), jsii.String("ServiceName")
	for _, s := range props.Services {
		lb := []*string{lbName, props.LoadBalancerARNSuffix, tgName, s.TargetGroupARNSuffix}
		ecs := []*string{cluster, props.ClusterName, service, s.ServiceName}
		row(
			graph(s.App+": requests and 5xx", props.Region, 0, 0,
				metric("AWS/ApplicationELB", "RequestCount", "Sum", lb...),
				metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", lb...)),
			graph(s.App+": p99 response time (s)", props.Region, 0, 0,
				metric("AWS/ApplicationELB", "TargetResponseTime", "p99", lb...)),
			graph(s.App+": tasks running / desired", props.Region, 0, 0,
				metric("ECS/ContainerInsights", "RunningTaskCount", "Average", ecs...),
				metric("ECS/ContainerInsights", "DesiredTaskCount", "Average", ecs...),
				metric("AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", lb...)),
			graph(s.App+": CPU and memory (%)", props.Region, 0, 0,
				metric("AWS/ECS", "CPUUtilization", "Average", ecs...),
				metric("AWS/ECS", "MemoryUtilization", "Average", ecs...)),
		)
	}
	for _, d := range props.Databases {
		id := []*string{jsii.String("DBInstanceIdentifier"), d.InstanceID}
		row(
			graph(d.App+" database: CPU (%)", props.Region, 0, 0, metric("AWS/RDS", "CPUUtilization", "Average", id...)),
			graph(d.App+" database: free storage (bytes)", props.Region, 0, 0, metric("AWS/RDS", "FreeStorageSpace", "Minimum", id...)),
			graph(d.App+" database: connections", props.Region, 0, 0, metric("AWS/RDS", "DatabaseConnections", "Maximum", id...)),
		)
	}
	for _, d := range props.Distributions {
		id := []*string{jsii.String("DistributionId"), d.ID, jsii.String("Region"), jsii.String("Global")}
		row(
			graph(d.App+" (CloudFront): requests", "us-east-1", 0, 0, metric("AWS/CloudFront", "Requests", "Sum", id...)),
			graph(d.App+" (CloudFront): 5xx error rate (%)", "us-east-1", 0, 0, metric("AWS/CloudFront", "5xxErrorRate", "Average", id...)),
		)
	}
	return out
}

// newDashboard is the environment's dashboard, named like the topic's
// prefix.
func newDashboard(scope constructs.Construct, props Props) {
	body, _ := json.Marshal(map[string]any{"widgets": widgets(props)})
	cloudwatchdashboard.NewCloudwatchDashboard(scope, jsii.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: jsii.String(props.Name),
		DashboardBody: jsii.String(string(body)),
	})
}
