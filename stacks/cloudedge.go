package stacks

import (
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsacmcertificate"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/accesslogs"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/webacl"
	"github.com/homecloud-dev/fullstack/naming"
)

// edge holds what the CloudFront distributions and the load balancer
// share, each made on first use: the us-east-1 provider (CloudFront's
// certificates and web ACLs live there), the web ACLs and the access log
// bucket of cloud.security.
type edge struct {
	stack         cdktf.TerraformStack
	p             *config.Project
	usEast1       cdktf.TerraformProvider
	cloudFrontACL *webacl.WebACL
	logs          *accesslogs.AccessLogs
}

func newEdge(stack cdktf.TerraformStack, p *config.Project) (*edge, error) {
	e := &edge{stack: stack, p: p}
	sec := p.Cloud.Security
	if !sec.AccessLogs.Enabled {
		return e, nil
	}
	emu := p.Cloud.Emulator.Enabled()
	logs, err := accesslogs.New(stack, "access-logs", accesslogs.Props{
		BucketPrefix:  naming.LogBucketPrefix(p.Name, p.Cloud.Environment),
		RetentionDays: sec.AccessLogs.RetentionDays,
		// The emulator's buckets are thrown away with the test.
		ForceDestroy: emu, Emulator: emulator(p.Cloud),
	})
	if err != nil {
		return nil, err
	}
	e.logs = logs
	return e, nil
}

// USEast1 is the aws provider for us-east-1.
func (e *edge) USEast1() (cdktf.TerraformProvider, error) {
	if e.usEast1 == nil {
		p, err := awsprovider.New(e.stack, "aws-us-east-1", awsprovider.Props{
			Region: "us-east-1", Alias: "us_east_1", Tags: tags(e.p.Name, e.p.Cloud.Environment),
			Emulator: emulator(e.p.Cloud),
		})
		if err != nil {
			return nil, err
		}
		e.usEast1 = p
	}
	return e.usEast1, nil
}

// Certificate is app's viewer certificate for domain: arn when given,
// else the newest issued certificate named certDomain (default: domain)
// in us-east-1, where CloudFront takes them from whatever the stack's
// region; nil without a domain. config checked that the name covers the
// domain.
func (e *edge) Certificate(app, domain, arn, certDomain string) (*string, error) {
	switch {
	case domain == "":
		return nil, nil
	case arn != "":
		return jsii.String(arn), nil
	case certDomain == "":
		certDomain = domain
	}
	usEast1, err := e.USEast1()
	if err != nil {
		return nil, err
	}
	cert := dataawsacmcertificate.NewDataAwsAcmCertificate(e.stack, jsii.String("certificate-"+app), &dataawsacmcertificate.DataAwsAcmCertificateConfig{
		Provider: usEast1, Domain: jsii.String(certDomain), Statuses: jsii.Strings("ISSUED"), MostRecent: jsii.Bool(true),
	})
	return cert.Arn(), nil
}

// CloudFrontACL is the web ACL ARN every distribution names; nil unless
// cloud.security.waf is enabled.
func (e *edge) CloudFrontACL() (*string, error) {
	waf := e.p.Cloud.Security.WAF
	if !waf.Enabled {
		return nil, nil
	}
	if e.cloudFrontACL == nil {
		usEast1, err := e.USEast1()
		if err != nil {
			return nil, err
		}
		acl, err := webacl.New(e.stack, "waf-cloudfront", webacl.Props{
			Name: naming.WebACL(e.p.Name, e.p.Cloud.Environment, "cloudfront"), Scope: webacl.ScopeCloudFront,
			RateLimit: waf.RateLimit, Provider: usEast1,
		})
		if err != nil {
			return nil, err
		}
		e.cloudFrontACL = acl
	}
	return e.cloudFrontACL.ARN(), nil
}

// CloudFrontLogging is app's distribution logging; nil unless
// cloud.security.access_logs is enabled.
func (e *edge) CloudFrontLogging(app string) *cf.CloudfrontDistributionLoggingConfig {
	if e.logs == nil {
		return nil
	}
	return e.logs.CloudFrontLogging(app)
}

// protectLoadBalancer attaches the regional web ACL to the load balancer
// when cloud.security.waf is enabled.
func (e *edge) protectLoadBalancer(lbARN *string) error {
	waf := e.p.Cloud.Security.WAF
	if !waf.Enabled {
		return nil
	}
	acl, err := webacl.New(e.stack, "waf-load-balancer", webacl.Props{
		Name: naming.WebACL(e.p.Name, e.p.Cloud.Environment, "load-balancer"), Scope: webacl.ScopeRegional, RateLimit: waf.RateLimit,
	})
	if err != nil {
		return err
	}
	acl.Associate("association", lbARN)
	return nil
}
