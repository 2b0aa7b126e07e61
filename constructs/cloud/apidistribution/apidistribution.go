// Package apidistribution puts a CloudFront distribution in front of the
// shared (internal) load balancer for an api or model app that no site
// serves: its clients' HTTPS, on CloudFront's *.cloudfront.net name or the
// app's own domain.
package apidistribution

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"

	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/viewercert"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the distribution.
type Props struct {
	// Project and App name the distribution (its comment and app tag).
	// Required.
	Project, App string
	// LoadBalancer is the origin (through its VPC origin). Required.
	LoadBalancer *loadbalancer.LoadBalancer
	// Domain is the app's custom domain. Default none: the distribution's
	// *.cloudfront.net name.
	Domain string
	// CertificateARN is Domain's ACM certificate in us-east-1 (a literal
	// or a token). Required with Domain.
	CertificateARN *string
	// WebACLID attaches a WAF web ACL (CLOUDFRONT scope). Default nil: none.
	WebACLID *string
	// Logging writes CloudFront access logs. Default nil: none.
	Logging *cf.CloudfrontDistributionLoggingConfig
}

// APIDistribution is the distribution.
type APIDistribution struct {
	constructs.Construct
	Distribution cf.CloudfrontDistribution
	domain       string
}

const originID = "api"

// New creates the distribution under scope.
func New(scope constructs.Construct, id string, props Props) (*APIDistribution, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	d := &APIDistribution{Construct: c, domain: props.Domain}
	aliases, cert := viewercert.For(props.Domain, props.CertificateARN)
	d.Distribution = cf.NewCloudfrontDistribution(c, jsii.String("distribution"), &cf.CloudfrontDistributionConfig{
		Enabled:       jsii.Bool(true),
		Comment:       jsii.String(props.Project + " " + props.App + " API"),
		IsIpv6Enabled: jsii.Bool(true),
		HttpVersion:   jsii.String("http2and3"),
		PriceClass:    jsii.String("PriceClass_100"),
		Origin:        &[]*cf.CloudfrontDistributionOrigin{props.LoadBalancer.CloudFrontOrigin(originID, props.App)},
		// An API is never cached and gets every header, cookie and query.
		DefaultCacheBehavior: &cf.CloudfrontDistributionDefaultCacheBehavior{
			TargetOriginId:       jsii.String(originID),
			AllowedMethods:       jsii.Strings("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"),
			CachedMethods:        jsii.Strings("GET", "HEAD"),
			ViewerProtocolPolicy: jsii.String("redirect-to-https"),
			MinTtl:               jsii.Number(0), DefaultTtl: jsii.Number(0), MaxTtl: jsii.Number(0),
			ForwardedValues: &cf.CloudfrontDistributionDefaultCacheBehaviorForwardedValues{
				QueryString: jsii.Bool(true), Headers: jsii.Strings("*"),
				Cookies: &cf.CloudfrontDistributionDefaultCacheBehaviorForwardedValuesCookies{Forward: jsii.String("all")},
			},
		},
		Restrictions: &cf.CloudfrontDistributionRestrictions{
			GeoRestriction: &cf.CloudfrontDistributionRestrictionsGeoRestriction{RestrictionType: jsii.String("none")},
		},
		Aliases:           aliases,
		ViewerCertificate: cert,
		WebAclId:          props.WebACLID,
		LoggingConfig:     props.Logging,
		Tags:              &map[string]*string{"app": jsii.String(props.App)},
	})
	return d, nil
}

// URL is where the app answers: https and its custom domain, else the
// distribution's own.
func (d *APIDistribution) URL() string {
	if d.domain != "" {
		return "https://" + d.domain
	}
	return "https://" + *d.Distribution.DomainName()
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	check.Ref("LoadBalancer", p.LoadBalancer)
	check.Missing("CertificateARN (with Domain)", p.Domain != "" && p.CertificateARN == nil)
	return check.Err()
}
