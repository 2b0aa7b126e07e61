// Package apidistribution puts a CloudFront distribution in front of the
// shared load balancer for an api or model app that no site serves, so
// that its clients use HTTPS (CloudFront's *.cloudfront.net certificate)
// when the project has no certificate of its own.
package apidistribution

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"

	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the distribution.
type Props struct {
	// Project and App name the distribution (its comment and app tag).
	// Required.
	Project, App string
	// LoadBalancer is the origin. Required.
	LoadBalancer *loadbalancer.LoadBalancer
	// WebACLID attaches a WAF web ACL (CLOUDFRONT scope). Default nil: none.
	WebACLID *string
	// Logging writes CloudFront access logs. Default nil: none.
	Logging *cf.CloudfrontDistributionLoggingConfig
}

// APIDistribution is the distribution.
type APIDistribution struct {
	constructs.Construct
	Distribution cf.CloudfrontDistribution
}

const originID = "api"

// New creates the distribution under scope.
func New(scope constructs.Construct, id string, props Props) (*APIDistribution, error) {
	check := propcheck.For(scope, id)
	check.Required("Project", props.Project)
	check.Required("App", props.App)
	check.Ref("LoadBalancer", props.LoadBalancer)
	if err := check.Err(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	d := &APIDistribution{Construct: c}
	d.Distribution = cf.NewCloudfrontDistribution(c, jsii.String("distribution"), &cf.CloudfrontDistributionConfig{
		Enabled:       jsii.Bool(true),
		Comment:       jsii.String(props.Project + " " + props.App + " API"),
		IsIpv6Enabled: jsii.Bool(true),
		HttpVersion:   jsii.String("http2and3"),
		PriceClass:    jsii.String("PriceClass_100"),
		Origin:        &[]*cf.CloudfrontDistributionOrigin{props.LoadBalancer.CloudFrontOrigin(originID, "")},
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
		ViewerCertificate: &cf.CloudfrontDistributionViewerCertificate{CloudfrontDefaultCertificate: jsii.Bool(true)},
		WebAclId:          props.WebACLID,
		LoggingConfig:     props.Logging,
		Tags:              &map[string]*string{"app": jsii.String(props.App)},
	})
	return d, nil
}

// URL is where the app answers: https and the distribution's domain.
func (d *APIDistribution) URL() string { return "https://" + *d.Distribution.DomainName() }
