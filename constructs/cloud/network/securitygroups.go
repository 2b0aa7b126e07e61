package network

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
)

// SecurityGroups are the three tiers: the load balancer reaches services
// on their ports, services reach the database on 5432 and HTTPS anywhere,
// the database reaches nothing. Who may reach the load balancer is the
// load balancer construct's rule (CloudFront only, or the internet with a
// certificate). Rules are separate resources (aws_security_group_rule) so
// apps can add ports without replacing groups. Terraform removes the
// allow-all egress rule AWS adds to a new group.
type SecurityGroups struct {
	LoadBalancer securitygroup.SecurityGroup
	Services     securitygroup.SecurityGroup
	Database     securitygroup.SecurityGroup
}

// PostgresPort is the database port the services may reach.
const PostgresPort = 5432

const (
	idLoadBalancerSG = "load-balancer-sg"
	idServicesSG     = "services-sg"
	idDatabaseSG     = "database-sg"
)

func newSecurityGroups(c constructs.Construct, vpcID *string, props Props) *SecurityGroups {
	group := func(id, suffix, description string) securitygroup.SecurityGroup {
		return securitygroup.NewSecurityGroup(c, jsii.String(id), &securitygroup.SecurityGroupConfig{
			Name:        jsii.String(props.Name + "-" + suffix),
			Description: jsii.String(description),
			VpcId:       vpcID,
			Tags:        nameTag(props.Name + "-" + suffix),
		})
	}
	sg := &SecurityGroups{
		// The description is unchanged since the group admitted the
		// internet: changing it would replace a group the load balancer uses.
		LoadBalancer: group(idLoadBalancerSG, "load-balancer", "Load balancer: HTTP and HTTPS from the internet"),
		Services:     group(idServicesSG, "services", "Services: app ports from the load balancer only"),
		Database:     group(idDatabaseSG, "database", "Database: PostgreSQL from the services only"),
	}
	rule := func(id string, cfg *securitygrouprule.SecurityGroupRuleConfig) {
		securitygrouprule.NewSecurityGroupRule(c, jsii.String(id), cfg)
	}
	ports := slices.Clone(props.ServicePorts)
	slices.Sort(ports)
	for _, port := range slices.Compact(ports) {
		rule(fmt.Sprintf("%s-out-%d", idLoadBalancerSG, port), &securitygrouprule.SecurityGroupRuleConfig{
			SecurityGroupId: sg.LoadBalancer.Id(), Type: jsii.String("egress"), Protocol: jsii.String("tcp"),
			FromPort: jsii.Number(float64(port)), ToPort: jsii.Number(float64(port)),
			SourceSecurityGroupId: sg.Services.Id(),
			Description:           jsii.String(fmt.Sprintf("to services on port %d", port)),
		})
		rule(fmt.Sprintf("%s-in-%d", idServicesSG, port), &securitygrouprule.SecurityGroupRuleConfig{
			SecurityGroupId: sg.Services.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
			FromPort: jsii.Number(float64(port)), ToPort: jsii.Number(float64(port)),
			SourceSecurityGroupId: sg.LoadBalancer.Id(),
			Description:           jsii.String(fmt.Sprintf("port %d from the load balancer", port)),
		})
	}
	// Least egress: HTTPS covers image pulls, the AWS APIs (ECR, Secrets
	// Manager, CloudWatch Logs, S3 through its gateway endpoint) and, through
	// NAT, web APIs; PostgreSQL only towards the database tier. Anything else
	// an app needs it declares (apps[].egress), in a group of its own.
	rule(idServicesSG+"-out-443", &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: sg.Services.Id(), Type: jsii.String("egress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(443), ToPort: jsii.Number(443),
		CidrBlocks:  &[]*string{jsii.String(anywhere)},
		Description: jsii.String("HTTPS to AWS APIs, image pulls and web APIs"),
	})
	rule(fmt.Sprintf("%s-out-%d", idServicesSG, PostgresPort), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: sg.Services.Id(), Type: jsii.String("egress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(PostgresPort), ToPort: jsii.Number(PostgresPort),
		SourceSecurityGroupId: sg.Database.Id(),
		Description:           jsii.String("PostgreSQL to the database tier"),
	})
	rule(fmt.Sprintf("%s-in-%d", idDatabaseSG, PostgresPort), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: sg.Database.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(PostgresPort), ToPort: jsii.Number(PostgresPort),
		SourceSecurityGroupId: sg.Services.Id(),
		Description:           jsii.String("PostgreSQL from the services"),
	})
	return sg
}
