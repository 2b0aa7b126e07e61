package loadbalancer

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontvpcorigin"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawssecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
)

// Origin is how CloudFront reaches the internal load balancer: one VPC
// origin that every distribution names, and an ingress rule on the load
// balancer's security group that admits only CloudFront's managed
// security group for VPC origins. No prefix list, no origin secret: the
// load balancer has no address on the internet at all.
type Origin struct {
	VPCOrigin cloudfrontvpcorigin.CloudfrontVpcOrigin
	// ServiceGroup is CloudFront's managed security group in the VPC
	// (ManagedSecurityGroup), which AWS creates with the VPC's first VPC
	// origin; it is read after the VPC origin exists.
	ServiceGroup dataawssecuritygroup.DataAwsSecurityGroup
	// Ingress admits ServiceGroup on port 80.
	Ingress securitygrouprule.SecurityGroupRule
}

// ManagedSecurityGroup is the security group CloudFront creates in a VPC
// for its VPC origins' network interfaces.
const ManagedSecurityGroup = "CloudFront-VPCOrigins-Service-SG"

// OriginHeader names the header every distribution adds to the requests
// it sends to the load balancer: the name of the app it serves (a site, or
// an API with a distribution of its own). CloudFront replaces a viewer's
// header of that name with the origin's, so a viewer cannot choose it, and
// every listener rule requires its app's value: a rule is reachable only
// through the distributions that serve its app. It also selects a site's
// API app under /api/*, whatever that app's own route (nginx does the
// same on the home server).
const OriginHeader = "X-Fullstack-Origin"

// SitePath is the path a site forwards to its API, unchanged.
const SitePath = "/api/*"

const (
	idVPCOrigin    = "vpc-origin"
	idServiceGroup = "cloudfront-service-group"
	idCloudFrontIn = "cloudfront-in-80"
)

func newOrigin(c constructs.Construct, name string, alb lb.Lb, net *network.Network) *Origin {
	o := &Origin{}
	o.VPCOrigin = cloudfrontvpcorigin.NewCloudfrontVpcOrigin(c, jsii.String(idVPCOrigin), &cloudfrontvpcorigin.CloudfrontVpcOriginConfig{
		VpcOriginEndpointConfig: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfig{{
			Name: jsii.String(name), Arn: alb.Arn(),
			HttpPort: jsii.Number(80), HttpsPort: jsii.Number(443),
			// Inside AWS's network, to a load balancer with no certificate:
			// CloudFront checks no origin certificate, so no custom domain
			// can break /api/ (a public load balancer's name is not covered
			// by the domain's certificate).
			OriginProtocolPolicy: jsii.String("http-only"),
			OriginSslProtocols: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfigOriginSslProtocols{{
				Items: jsii.Strings("TLSv1.2"), Quantity: jsii.Number(1),
			}},
		}},
	})
	o.ServiceGroup = dataawssecuritygroup.NewDataAwsSecurityGroup(c, jsii.String(idServiceGroup), &dataawssecuritygroup.DataAwsSecurityGroupConfig{
		Name: jsii.String(ManagedSecurityGroup), VpcId: net.VPCID(),
		DependsOn: &[]cdktf.ITerraformDependable{o.VPCOrigin},
	})
	o.Ingress = securitygrouprule.NewSecurityGroupRule(c, jsii.String(idCloudFrontIn), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: net.SecurityGroups.LoadBalancer.Id(), Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(80), ToPort: jsii.Number(80),
		SourceSecurityGroupId: o.ServiceGroup.Id(),
		Description:           jsii.String("HTTP from the CloudFront VPC origins only"),
	})
	return o
}

// CloudFrontOrigin is the load balancer as a CloudFront origin named id,
// through the VPC origin, for the distribution of app (a site or an API):
// it sets OriginHeader to app.
func (l *LoadBalancer) CloudFrontOrigin(id, app string) *cf.CloudfrontDistributionOrigin {
	headers := []*cf.CloudfrontDistributionOriginCustomHeader{{Name: jsii.String(OriginHeader), Value: jsii.String(app)}}
	return &cf.CloudfrontDistributionOrigin{
		OriginId:   jsii.String(id),
		DomainName: l.LB.DnsName(),
		VpcOriginConfig: &cf.CloudfrontDistributionOriginVpcOriginConfig{
			VpcOriginId: l.Origin.VPCOrigin.Id(),
		},
		CustomHeader: &headers,
	}
}
