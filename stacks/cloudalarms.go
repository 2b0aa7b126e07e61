package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/alarms"
	"github.com/homecloud-dev/fullstack/constructs/cloud/apidistribution"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/naming"
)

// newCloudAlarms watches every service, database and distribution of the
// stack and tells the project file's receivers (alerts:).
func newCloudAlarms(stack cdktf.TerraformStack, p *config.Project, cluster *ecscluster.Cluster, services *cloudServices,
	databases map[string]*appdatabase.Database, sites map[string]*clientsite.Site,
	apiDistributions map[string]*apidistribution.APIDistribution, edge *edge) (*alarms.Alarms, error) {
	props := alarms.Props{
		Name:       naming.VPC(p.Name, p.Cloud.Environment).Value,
		Region:     p.Cloud.Region,
		Email:      p.Alerts.Email,
		Webhooks:   p.Alerts.Webhooks,
		Thresholds: p.Alerts.Thresholds,
	}
	// In the project's order, so that the dashboard's rows are too.
	for _, a := range p.Apps {
		if svc, ok := services.Services[a.Name]; ok {
			props.Services = append(props.Services, alarms.Service{App: a.Name, ServiceName: svc.Service.Name(), TargetGroupARNSuffix: svc.TargetGroup.ArnSuffix()})
		}
		if db, ok := databases[a.Name]; ok {
			props.Databases = append(props.Databases, alarms.Database{App: a.Name, InstanceID: db.Instance.Identifier()})
		}
		if s, ok := sites[a.Name]; ok {
			props.Distributions = append(props.Distributions, alarms.Distribution{App: a.Name, ID: s.Distribution.Id()})
		}
		if d, ok := apiDistributions[a.Name]; ok {
			props.Distributions = append(props.Distributions, alarms.Distribution{App: a.Name, ID: d.Distribution.Id()})
		}
	}
	if len(props.Services) > 0 {
		props.ClusterName, props.ClusterARN = cluster.Name(), cluster.ARN()
		props.LoadBalancerARNSuffix = services.LoadBalancer.LB.ArnSuffix()
	}
	if len(props.Distributions) > 0 {
		usEast1, err := edge.USEast1()
		if err != nil {
			return nil, err
		}
		props.USEast1 = usEast1
	}
	return alarms.New(stack, "alerts", props)
}

// outputAlerts names the topic to subscribe more receivers to and the
// dashboard.
func outputAlerts(stack cdktf.TerraformStack, p *config.Project, a *alarms.Alarms) {
	output(stack, "alerts_topic_arn", a.Topic.Topic.Arn(), "SNS topic of every alarm and failed deployment (subscribe more receivers here).")
	if a.EdgeTopic != nil {
		output(stack, "edge_alerts_topic_arn", a.EdgeTopic.Topic.Arn(), "SNS topic of the CloudFront alarms, in us-east-1.")
	}
	if a.DashboardName != "" {
		output(stack, "dashboard_url", "https://"+p.Cloud.Region+".console.aws.amazon.com/cloudwatch/home?region="+p.Cloud.Region+"#dashboards/dashboard/"+a.DashboardName,
			"The environment's CloudWatch dashboard.")
	}
}
