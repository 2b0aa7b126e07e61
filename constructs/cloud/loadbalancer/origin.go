package loadbalancer

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsec2managedprefixlist"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Origin is how a load balancer without a certificate is kept behind
// CloudFront: its security group admits only CloudFront's origin-facing
// addresses, and its listener rules forward only requests that carry
// Header with the Secret value, which CloudFront adds. Other CloudFront
// distributions (anyone's) share those addresses but not the secret.
type Origin struct {
	// Header is the name of the origin secret header.
	Header string
	// Secret is the header's value (a token): a random UUID made once by
	// Terraform and kept in its state. Rotate it with
	// `terraform apply -replace=<the origin-secret resource>`.
	Secret *string
	// PrefixList is the managed prefix list of CloudFront's origin-facing
	// addresses.
	PrefixList dataawsec2managedprefixlist.DataAwsEc2ManagedPrefixList
}

// OriginHeader names the header CloudFront sends to the load balancer.
const OriginHeader = "X-Origin-Verify"

// SiteHeader names the header a site's distribution adds to its /api/*
// requests: the site's name, which selects the site's API app whatever
// that app's own route is (nginx does the same on the home server).
const SiteHeader = "X-Fullstack-Site"

// SitePath is the path a site forwards to its API, unchanged.
const SitePath = "/api/*"

// CloudFrontPrefixList is the AWS-managed prefix list of the addresses
// CloudFront connects to origins from.
const CloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

const (
	idPrefixList   = "cloudfront-origin-facing"
	idCloudFrontIn = "cloudfront-in-80"
	idOriginSecret = "origin-secret"
)

func newOrigin(c constructs.Construct, securityGroupID *string) *Origin {
	o := &Origin{Header: OriginHeader}
	o.PrefixList = dataawsec2managedprefixlist.NewDataAwsEc2ManagedPrefixList(c, jsii.String(idPrefixList), &dataawsec2managedprefixlist.DataAwsEc2ManagedPrefixListConfig{
		Name: jsii.String(CloudFrontPrefixList),
	})
	securitygrouprule.NewSecurityGroupRule(c, jsii.String(idCloudFrontIn), &securitygrouprule.SecurityGroupRuleConfig{
		SecurityGroupId: securityGroupID, Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
		FromPort: jsii.Number(80), ToPort: jsii.Number(80),
		PrefixListIds: &[]*string{o.PrefixList.Id()},
		Description:   jsii.String("HTTP from the CloudFront origin-facing addresses only"),
	})
	// terraform_data keeps the first uuid() it was given: ignore_changes
	// stops the new uuid() of every later plan from replacing it.
	secret := cdktf.NewTerraformResource(c, jsii.String(idOriginSecret), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		Lifecycle:             &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("input")}},
	})
	secret.AddOverride(jsii.String("input"), "${uuid()}")
	o.Secret = secret.GetStringAttribute(jsii.String("output"))
	return o
}

// CloudFrontOrigin is the load balancer as a CloudFront origin named id:
// HTTPS with a certificate, else HTTP with the origin secret header; a
// site's origin (site not empty) also names the site in SiteHeader.
func (l *LoadBalancer) CloudFrontOrigin(id, site string) *cf.CloudfrontDistributionOrigin {
	policy := "https-only"
	var headers []*cf.CloudfrontDistributionOriginCustomHeader
	if l.Origin != nil {
		policy = "http-only"
		headers = append(headers, &cf.CloudfrontDistributionOriginCustomHeader{Name: jsii.String(l.Origin.Header), Value: l.Origin.Secret})
	}
	if site != "" {
		headers = append(headers, &cf.CloudfrontDistributionOriginCustomHeader{Name: jsii.String(SiteHeader), Value: jsii.String(site)})
	}
	return &cf.CloudfrontDistributionOrigin{
		OriginId:   jsii.String(id),
		DomainName: l.LB.DnsName(),
		CustomOriginConfig: &cf.CloudfrontDistributionOriginCustomOriginConfig{
			HttpPort: jsii.Number(80), HttpsPort: jsii.Number(443), OriginProtocolPolicy: jsii.String(policy),
			OriginSslProtocols: jsii.Strings("TLSv1.2"),
		},
		CustomHeader: &headers,
	}
}
