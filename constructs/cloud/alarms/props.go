// Package alarms is an environment's alerting on AWS: one encrypted SNS
// topic with the project's receivers (email, HTTPS webhooks), CloudWatch
// alarms for every service, database and distribution, an EventBridge
// rule for failed ECS deployments and circuit-breaker rollbacks, and a
// dashboard of the same metrics. Thresholds come from alerting, the leaf
// package the project file shares. CloudFront publishes its metrics in
// us-east-1 and an alarm can only notify a topic of its own region, so
// distributions get a second topic there, with the same receivers.
package alarms

import (
	"fmt"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures an environment's alerting.
type Props struct {
	// Name prefixes the topics, alarms, rule and dashboard, e.g.
	// "notes-production". Required.
	Name string
	// Region is the stack's region (the dashboard's widgets). Required.
	Region string
	// Email and Webhooks receive every alarm and its recovery
	// (alerting.Settings). Default none: the alarms still show on the
	// dashboard and in the console.
	Email, Webhooks []string
	// Thresholds of the alarms; zero fields take alerting's defaults.
	Thresholds alerting.Thresholds
	// ClusterName and ClusterARN are the ECS cluster's (tokens). Required
	// with Services.
	ClusterName, ClusterARN *string
	// LoadBalancerARNSuffix is the load balancer's arn_suffix. Required
	// with Services.
	LoadBalancerARNSuffix *string
	Services              []Service
	Databases             []Database
	Distributions         []Distribution
	// USEast1 is an aws provider for us-east-1. Required with
	// Distributions.
	USEast1 cdktf.TerraformProvider
}

// Service is an ECS service behind the load balancer.
type Service struct {
	App string
	// ServiceName and TargetGroupARNSuffix are tokens of the service.
	ServiceName, TargetGroupARNSuffix *string
}

// Database is an RDS instance.
type Database struct {
	App        string
	InstanceID *string
}

// Distribution is a CloudFront distribution.
type Distribution struct {
	App string
	ID  *string
}

func (p *Props) defaults() {
	p.Thresholds = p.Thresholds.WithDefaults()
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Name", p.Name)
	check.Required("Region", p.Region)
	for _, problem := range (alerting.Settings{Email: p.Email, Webhooks: p.Webhooks, Thresholds: p.Thresholds}).Check() {
		check.Add(fieldName(problem.Field), problem.Value, "%s", problem.Rule)
	}
	if len(p.Services) > 0 {
		check.Missing("ClusterName", p.ClusterName == nil)
		check.Missing("ClusterARN", p.ClusterARN == nil)
		check.Missing("LoadBalancerARNSuffix", p.LoadBalancerARNSuffix == nil)
	}
	seen := map[string]string{}
	claim := func(kind, field, app string) {
		if app == "" {
			check.Add(field+".App", app, "is required")
		} else if first, dup := seen[kind+"/"+app]; dup {
			check.Add(field+".App", app, "is listed twice (first at %s)", first)
		}
		seen[kind+"/"+app] = field
	}
	for i, s := range p.Services {
		f := fmt.Sprintf("Services[%d]", i)
		claim("service", f, s.App)
		check.Missing(f+".ServiceName", s.ServiceName == nil)
		check.Missing(f+".TargetGroupARNSuffix", s.TargetGroupARNSuffix == nil)
	}
	for i, d := range p.Databases {
		f := fmt.Sprintf("Databases[%d]", i)
		claim("database", f, d.App)
		check.Missing(f+".InstanceID", d.InstanceID == nil)
	}
	for i, d := range p.Distributions {
		f := fmt.Sprintf("Distributions[%d]", i)
		claim("distribution", f, d.App)
		check.Missing(f+".ID", d.ID == nil)
	}
	if len(p.Distributions) > 0 {
		check.Missing("USEast1", p.USEast1 == nil)
	}
	return check.Err()
}

// fieldName turns alerting's project-file field into the Props field.
func fieldName(field string) string {
	switch {
	case len(field) > 5 && field[:5] == "email":
		return "Email" + field[5:]
	case len(field) > 8 && field[:8] == "webhooks":
		return "Webhooks" + field[8:]
	}
	return "Thresholds." + field[len("thresholds."):]
}
