package clientsite

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontoriginaccesscontrol"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/constructs/cloud/viewercert"
)

const (
	s3Origin  = "site"
	apiOrigin = "api"
)

// newDistribution creates the distribution; headers is the response
// headers policy id (nil: none).
func newDistribution(c constructs.Construct, s *Site, props Props, oac cloudfrontoriginaccesscontrol.CloudfrontOriginAccessControl,
	headers *string) cf.CloudfrontDistribution {
	origins := []*cf.CloudfrontDistributionOrigin{{
		OriginId:              jsii.String(s3Origin),
		DomainName:            s.Bucket.BucketRegionalDomainName(),
		OriginAccessControlId: oac.Id(),
	}}
	var ordered []*cf.CloudfrontDistributionOrderedCacheBehavior
	if props.API != nil {
		origins = append(origins, props.API.CloudFrontOrigin(apiOrigin, props.App))
		// The API is never cached and gets every header, cookie and query.
		ordered = append(ordered, &cf.CloudfrontDistributionOrderedCacheBehavior{
			PathPattern:          jsii.String("/api/*"),
			TargetOriginId:       jsii.String(apiOrigin),
			AllowedMethods:       jsii.Strings("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"),
			CachedMethods:        jsii.Strings("GET", "HEAD"),
			ViewerProtocolPolicy: jsii.String("redirect-to-https"),
			MinTtl:               jsii.Number(0), DefaultTtl: jsii.Number(0), MaxTtl: jsii.Number(0),
			ForwardedValues: &cf.CloudfrontDistributionOrderedCacheBehaviorForwardedValues{
				QueryString: jsii.Bool(true), Headers: jsii.Strings("*"),
				Cookies: &cf.CloudfrontDistributionOrderedCacheBehaviorForwardedValuesCookies{Forward: jsii.String("all")},
			},
			ResponseHeadersPolicyId: headers,
		})
	}
	aliases, cert := viewercert.For(props.Domain, props.CertificateARN)
	// A deep link has no object: S3 answers 403 (no ListBucket) and the
	// single-page app's index.html takes over.
	spa := func(code float64) *cf.CloudfrontDistributionCustomErrorResponse {
		return &cf.CloudfrontDistributionCustomErrorResponse{
			ErrorCode: jsii.Number(code), ResponseCode: jsii.Number(200), ResponsePagePath: jsii.String("/index.html"),
			ErrorCachingMinTtl: jsii.Number(10),
		}
	}
	return cf.NewCloudfrontDistribution(c, jsii.String("distribution"), &cf.CloudfrontDistributionConfig{
		Enabled:           jsii.Bool(true),
		Comment:           jsii.String(props.Project + " " + props.App),
		DefaultRootObject: jsii.String("index.html"),
		IsIpv6Enabled:     jsii.Bool(true),
		HttpVersion:       jsii.String("http2and3"),
		PriceClass:        jsii.String("PriceClass_100"),
		Aliases:           aliases,
		Origin:            &origins,
		DefaultCacheBehavior: &cf.CloudfrontDistributionDefaultCacheBehavior{
			TargetOriginId:       jsii.String(s3Origin),
			AllowedMethods:       jsii.Strings("GET", "HEAD", "OPTIONS"),
			CachedMethods:        jsii.Strings("GET", "HEAD"),
			ViewerProtocolPolicy: jsii.String("redirect-to-https"),
			Compress:             jsii.Bool(true),
			MinTtl:               jsii.Number(float64(*props.MinTTL)),
			DefaultTtl:           jsii.Number(float64(*props.DefaultTTL)),
			MaxTtl:               jsii.Number(float64(*props.MaxTTL)),
			ForwardedValues: &cf.CloudfrontDistributionDefaultCacheBehaviorForwardedValues{
				QueryString: jsii.Bool(false),
				Cookies:     &cf.CloudfrontDistributionDefaultCacheBehaviorForwardedValuesCookies{Forward: jsii.String("none")},
			},
			ResponseHeadersPolicyId: headers,
		},
		OrderedCacheBehavior: &ordered,
		CustomErrorResponse:  &[]*cf.CloudfrontDistributionCustomErrorResponse{spa(403), spa(404)},
		Restrictions: &cf.CloudfrontDistributionRestrictions{
			GeoRestriction: &cf.CloudfrontDistributionRestrictionsGeoRestriction{RestrictionType: jsii.String("none")},
		},
		ViewerCertificate: cert,
		WebAclId:          props.WebACLID,
		LoggingConfig:     props.Logging,
		Tags:              &map[string]*string{"app": jsii.String(props.App)},
	})
}

// newInvalidation clears CloudFront's cache whenever the uploaded content
// changes (one "/*" path covers every file and costs one path).
func newInvalidation(c constructs.Construct, s *Site, props Props, hash string) cdktf.TerraformResource {
	// CloudFront is global; the CLI still wants a region.
	env := map[string]*string{"DISTRIBUTION_ID": s.Distribution.Id(), "AWS_DEFAULT_REGION": jsii.String("us-east-1")}
	if props.Emulator != nil {
		for k, v := range props.Emulator.CLIEnvironment() {
			env[k] = jsii.String(v)
		}
	}
	deps := make([]cdktf.ITerraformDependable, len(s.Objects))
	for i, o := range s.Objects {
		deps[i] = o
	}
	r := cdktf.NewTerraformResource(c, jsii.String("invalidation"), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		DependsOn:             &deps,
		Provisioners: &[]interface{}{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("/bin/sh", "-c"),
			Command:     jsii.String(`aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths '/*' --query Invalidation.Id --output text`),
			Environment: &env,
		}},
	})
	r.AddOverride(jsii.String("triggers_replace"), []interface{}{hash})
	return r
}
