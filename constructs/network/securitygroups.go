package network

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
)

// SecurityGroups are the three tiers: the internet reaches the load
// balancer, the load balancer reaches services on their ports, services
// reach the database on 5432. Rules are separate resources
// (aws_security_group_rule) so apps can add ports without replacing groups.
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
		LoadBalancer: group(idLoadBalancerSG, "load-balancer", "Load balancer: HTTP and HTTPS from the internet"),
		Services:     group(idServicesSG, "services", "Services: app ports from the load balancer only"),
		Database:     group(idDatabaseSG, "database", "Database: PostgreSQL from the services only"),
	}
	rule := func(id string, cfg *securitygrouprule.SecurityGroupRuleConfig) {
		securitygrouprule.NewSecurityGroupRule(c, jsii.String(id), cfg)
	}
	for _, port := range []int{80, 443} {
		rule(fmt.Sprintf("%s-in-%d", idLoadBalancerSG, port), &securitygrouprule.SecurityGroupRuleConfig{
			SecurityGroupId: sg.LoadBalancer.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
			FromPort: jsii.Number(float64(port)), ToPort: jsii.Number(float64(port)),
			CidrBlocks:  &[]*string{jsii.String(anywhere)},
			Description: jsii.String(fmt.Sprintf("port %d from the internet", port)),
		})
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
	// Services pull images and call AWS APIs (ECR, Secrets Manager, logs).
	rule(idServicesSG+"-out-all", &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: sg.Services.Id(), Type: jsii.String("egress"), Protocol: jsii.String("-1"),
		FromPort: jsii.Number(0), ToPort: jsii.Number(0),
		CidrBlocks:  &[]*string{jsii.String(anywhere)},
		Description: jsii.String("outbound for image pulls and AWS APIs"),
	})
	rule(fmt.Sprintf("%s-in-%d", idDatabaseSG, PostgresPort), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: sg.Database.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(PostgresPort), ToPort: jsii.Number(PostgresPort),
		SourceSecurityGroupId: sg.Services.Id(),
		Description:           jsii.String("PostgreSQL from the services"),
	})
	return sg
}
