package network

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
)

// Endpoints are the VPC endpoints: the S3 gateway endpoint (always: it is
// free, and image layers come from S3, so pulls skip the NAT's per-GB
// charge) and, as an option, interface endpoints for the AWS APIs tasks
// call, so that private services need no NAT at all.
type Endpoints struct {
	S3 vpcendpoint.VpcEndpoint
	// Interface by service (ecr.api, ecr.dkr, logs, secretsmanager); empty
	// unless Props.InterfaceEndpoints.
	Interface map[string]vpcendpoint.VpcEndpoint
	// SecurityGroup admits HTTPS from the services; nil without interface
	// endpoints.
	SecurityGroup securitygroup.SecurityGroup
}

// InterfaceEndpointServices are the AWS APIs a Fargate task needs to start
// and run: pull its image (ECR API and registry), write logs, read its
// database secret.
var InterfaceEndpointServices = []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager"}

const (
	idS3Endpoint       = "s3-endpoint"
	idEndpoint         = "endpoint-" // + service, dots as dashes
	idEndpointsSG      = "endpoints-sg"
	idEndpointsSGIn443 = "endpoints-sg-in-443"
)

func newEndpoints(c constructs.Construct, n *Network, props Props) *Endpoints {
	e := &Endpoints{Interface: map[string]vpcendpoint.VpcEndpoint{}}
	tables := []*string{n.Routing.PublicRoutes.Id()}
	for _, rt := range n.Routing.PrivateRoutes {
		tables = append(tables, rt.Id())
	}
	e.S3 = vpcendpoint.NewVpcEndpoint(c, jsii.String(idS3Endpoint), &vpcendpoint.VpcEndpointConfig{
		VpcId:           n.VPC.Id(),
		ServiceName:     jsii.String("com.amazonaws." + props.Region + ".s3"),
		VpcEndpointType: jsii.String("Gateway"),
		RouteTableIds:   &tables,
		Tags:            nameTag(props.Name + "-s3"),
	})
	if !props.InterfaceEndpoints {
		return e
	}
	e.SecurityGroup = securitygroup.NewSecurityGroup(c, jsii.String(idEndpointsSG), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(props.Name + "-endpoints"),
		Description: jsii.String("VPC interface endpoints: HTTPS from the services only"),
		VpcId:       n.VPC.Id(),
		Tags:        nameTag(props.Name + "-endpoints"),
	})
	securitygrouprule.NewSecurityGroupRule(c, jsii.String(idEndpointsSGIn443), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: e.SecurityGroup.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(443), ToPort: jsii.Number(443),
		SourceSecurityGroupId: n.SecurityGroups.Services.Id(),
		Description:           jsii.String("HTTPS from the services"),
	})
	for _, service := range InterfaceEndpointServices {
		e.Interface[service] = vpcendpoint.NewVpcEndpoint(c, jsii.String(idEndpoint+dashed(service)), &vpcendpoint.VpcEndpointConfig{
			VpcId:           n.VPC.Id(),
			ServiceName:     jsii.String("com.amazonaws." + props.Region + "." + service),
			VpcEndpointType: jsii.String("Interface"),
			// The service's usual host name resolves to the endpoint, so
			// the tasks and the ECS agent need no configuration.
			PrivateDnsEnabled: jsii.Bool(true),
			SubnetIds:         n.PrivateSubnetIDs(),
			SecurityGroupIds:  &[]*string{e.SecurityGroup.Id()},
			Tags:              nameTag(props.Name + "-" + dashed(service)),
		})
	}
	return e
}

func dashed(service string) string { return strings.ReplaceAll(service, ".", "-") }
