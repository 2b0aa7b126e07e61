package clientsite

import (
	"errors"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontoriginaccesscontrol"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontresponseheaderspolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/s3private"
	"github.com/homecloud-dev/fullstack/naming"
)

// CloudProps configures the cloud site.
type CloudProps struct {
	// Project and App name things; "<project>-<app>" prefixes the bucket
	// name (AWS adds a unique suffix). Required.
	Project, App string
	// BuildOutput is the static build (absolute). Required.
	BuildOutput string
	// Site holds the domain, certificate and cache TTLs (config fills
	// the TTLs).
	Site config.Site
	// CertificateARN overrides Site.CertificateARN (a token, e.g. from a
	// us-east-1 lookup). Default: Site.CertificateARN.
	CertificateARN *string
	// API is the load balancer serving /api/*. Default nil: no API.
	API *loadbalancer.LoadBalancer
	// WebACLID attaches a WAF web ACL (CLOUDFRONT scope, its ARN). Default
	// nil: none.
	WebACLID *string
	// Logging writes CloudFront access logs. Default nil: none.
	Logging *cloudfrontdistribution.CloudfrontDistributionLoggingConfig
	// OmitTLSOnlyPolicy leaves the bucket policy's TLS-only statement out
	// (emulator mode: moto ignores Deny conditions).
	OmitTLSOnlyPolicy bool
	// Unversioned turns bucket versioning off (emulator mode: moto cannot
	// delete the object versions and delete markers of a versioned bucket,
	// so it could not be destroyed). Default false: versioned.
	Unversioned bool
	// OmitResponseHeadersPolicy leaves the security-headers policy out
	// (emulator mode: moto 5.2.1 has no CreateResponseHeadersPolicy).
	OmitResponseHeadersPolicy bool
	// SkipInvalidation leaves out the step that runs `aws cloudfront
	// create-invalidation` when the content changes. Default false: the
	// invalidation runs. Environment is added to its process (the
	// emulator's endpoint in emulator mode).
	SkipInvalidation bool
	Environment      map[string]*string
}

// Cloud is the site's bucket, objects and distribution.
type Cloud struct {
	constructs.Construct
	Bucket       s3bucket.S3Bucket
	Distribution cloudfrontdistribution.CloudfrontDistribution
	Objects      []s3object.S3Object
	// Invalidation is nil when skipped.
	Invalidation cdktf.TerraformResource
	Files        []File
}

// NewCloud creates the site on AWS.
func NewCloud(scope constructs.Construct, id string, props CloudProps) (*Cloud, error) {
	if props.Project == "" || props.App == "" || props.BuildOutput == "" || props.Site.MinTTL == nil {
		return nil, errors.New("clientsite.NewCloud: Project, App, BuildOutput and Site (with TTLs) are required")
	}
	files, err := Files(props.BuildOutput)
	if err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Cloud{Construct: c, Files: files}
	s.Bucket = s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(naming.BucketPrefix(props.Project + "-" + props.App + "-")),
		// The content is rebuilt from the repository on every deploy.
		ForceDestroy: jsii.Bool(true),
		Tags:         &map[string]*string{"app": jsii.String(props.App)},
	})
	if !props.Unversioned {
		s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
			Bucket:                  s.Bucket.Id(),
			VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
		})
	}
	s3private.Apply(c, s.Bucket.Id(), s3private.OwnerEnforced)
	oac := cloudfrontoriginaccesscontrol.NewCloudfrontOriginAccessControl(c, jsii.String("origin-access"), &cloudfrontoriginaccesscontrol.CloudfrontOriginAccessControlConfig{
		Name:                          jsii.String(props.Project + "-" + props.App),
		OriginAccessControlOriginType: jsii.String("s3"),
		SigningBehavior:               jsii.String("always"),
		SigningProtocol:               jsii.String("sigv4"),
	})
	var headers *string
	if !props.OmitResponseHeadersPolicy {
		headers = newResponseHeaders(c, props).Id()
	}
	s.Distribution = newDistribution(c, s, props, oac, headers)
	s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: s.Bucket.Id(),
		Policy: jsii.String(bucketPolicy(*s.Bucket.Arn(), *s.Distribution.Arn(), !props.OmitTLSOnlyPolicy).JSON()),
	})
	for _, f := range files {
		// Construct ids cannot hold "/".
		s.Objects = append(s.Objects, s3object.NewS3Object(c, jsii.String("object-"+strings.ReplaceAll(f.Key, "/", "--")), &s3object.S3ObjectConfig{
			Bucket: s.Bucket.Id(), Key: jsii.String(f.Key), Source: jsii.String(f.Path), SourceHash: jsii.String(f.SHA256),
			ContentType: jsii.String(f.ContentType), CacheControl: jsii.String(f.CacheControl),
		}))
	}
	if !props.SkipInvalidation {
		s.Invalidation = newInvalidation(c, s, props, ContentHash(files))
	}
	return s, nil
}

// bucketPolicy lets only this distribution read objects, and (unless
// omitted) refuses every request without TLS.
func bucketPolicy(bucketARN, distributionARN string, tlsOnly bool) iampolicy.Document {
	read := iampolicy.Allow("CloudFrontReadsThroughOAC", []string{"s3:GetObject"}, []string{bucketARN + "/*"})
	read.Principal = map[string]any{"Service": "cloudfront.amazonaws.com"}
	read.Condition = map[string]map[string]any{"StringEquals": {"AWS:SourceArn": distributionARN}}
	doc := iampolicy.New(read)
	if tlsOnly {
		doc.Statement = append(doc.Statement, iampolicy.DenyInsecureTransport(bucketARN))
	}
	return doc
}

func newResponseHeaders(c constructs.Construct, props CloudProps) cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicy {
	return cloudfrontresponseheaderspolicy.NewCloudfrontResponseHeadersPolicy(c, jsii.String("security-headers"), &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicyConfig{
		Name:    jsii.String(props.Project + "-" + props.App + "-security"),
		Comment: jsii.String("Security headers of " + props.App),
		SecurityHeadersConfig: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfig{
			ContentTypeOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions:       &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions{FrameOption: jsii.String("DENY"), Override: jsii.Bool(true)},
			ReferrerPolicy:     &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy{ReferrerPolicy: jsii.String("strict-origin-when-cross-origin"), Override: jsii.Bool(true)},
			ContentSecurityPolicy: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(DefaultCSP), Override: jsii.Bool(true),
			},
			StrictTransportSecurity: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity{
				AccessControlMaxAgeSec: jsii.Number(31536000), IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true),
			},
		},
	})
}

// URL is the site's address.
func (s *Cloud) URL(domain string) string {
	if domain != "" {
		return "https://" + domain
	}
	return "https://" + *s.Distribution.DomainName()
}
