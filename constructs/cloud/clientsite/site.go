package clientsite

import (
	"fmt"
	"slices"
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

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/s3private"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/siteheaders"
	"github.com/homecloud-dev/fullstack/naming"
)

// Props configures the cloud site.
type Props struct {
	// Project and App name things; "<project>-<app>" prefixes the bucket
	// name (AWS adds a unique suffix). Required.
	Project, App string
	// Files are the static build's files, read before synthesis with
	// Files(buildOutput). Required: at least index.html.
	Files []File
	// Domain is a custom domain for the distribution. Default none: the
	// distribution's own *.cloudfront.net name.
	Domain string
	// CertificateARN is Domain's ACM certificate in us-east-1 (a literal
	// or a token, e.g. from a lookup). Required with Domain.
	CertificateARN *string
	// MinTTL, DefaultTTL and MaxTTL are CloudFront's cache TTLs in
	// seconds. Defaults DefaultMinTTL, DefaultDefaultTTL, DefaultMaxTTL.
	MinTTL, DefaultTTL, MaxTTL *int
	// API is the load balancer serving /api/*. Default nil: no API.
	API *loadbalancer.LoadBalancer
	// WebACLID attaches a WAF web ACL (CLOUDFRONT scope, its ARN). Default
	// nil: none.
	WebACLID *string
	// Logging writes CloudFront access logs. Default nil: none.
	Logging *cloudfrontdistribution.CloudfrontDistributionLoggingConfig
	// SkipInvalidation leaves out the step that runs `aws cloudfront
	// create-invalidation` when the content changes. Default false: the
	// invalidation runs.
	SkipInvalidation bool
	// Emulator is the stack's local AWS emulator. Default nil: real AWS.
	// On the emulator the bucket is unversioned (moto cannot delete object
	// versions, so the bucket could not be destroyed), the bucket policy
	// has no TLS-only statement (moto ignores Deny conditions), there is no
	// security-headers policy (moto 5.2.1 lacks the API) and the
	// invalidation's AWS CLI talks to the emulator.
	Emulator *awsprovider.Emulator
}

// Cache TTL defaults, in seconds.
const (
	DefaultMinTTL     = awsrules.DefaultMinTTL
	DefaultDefaultTTL = awsrules.DefaultDefaultTTL
	DefaultMaxTTL     = awsrules.DefaultMaxTTL
)

// Site is the site's bucket, objects and distribution.
type Site struct {
	constructs.Construct
	Bucket       s3bucket.S3Bucket
	Distribution cloudfrontdistribution.CloudfrontDistribution
	Objects      []s3object.S3Object
	// Invalidation is nil when skipped.
	Invalidation cdktf.TerraformResource
	Files        []File
	app          string
	api          *loadbalancer.LoadBalancer
}

// App is the site's name: what its /api/* origin sends in
// loadbalancer.OriginHeader.
func (s *Site) App() string { return s.app }

// API is the load balancer the site sends /api/* to (nil for none).
func (s *Site) API() *loadbalancer.LoadBalancer { return s.api }

// New creates the site on AWS.
func New(scope constructs.Construct, id string, props Props) (*Site, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Site{Construct: c, Files: props.Files, app: props.App, api: props.API}
	s.Bucket = s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(naming.BucketPrefix(props.Project + "-" + props.App + "-")),
		// The content is rebuilt from the repository on every deploy.
		ForceDestroy: jsii.Bool(true),
		Tags:         &map[string]*string{"app": jsii.String(props.App)},
	})
	if props.Emulator == nil {
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
	if props.Emulator == nil {
		headers = newResponseHeaders(c, props).Id()
	}
	s.Distribution = newDistribution(c, s, props, oac, headers)
	s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: s.Bucket.Id(),
		Policy: jsii.String(bucketPolicy(*s.Bucket.Arn(), *s.Distribution.Arn(), props.Emulator == nil).JSON()),
	})
	for _, f := range props.Files {
		// Construct ids cannot hold "/".
		s.Objects = append(s.Objects, s3object.NewS3Object(c, jsii.String("object-"+strings.ReplaceAll(f.Key, "/", "--")), &s3object.S3ObjectConfig{
			Bucket: s.Bucket.Id(), Key: jsii.String(f.Key), Source: jsii.String(f.Path), SourceHash: jsii.String(f.SHA256),
			ContentType: jsii.String(f.ContentType), CacheControl: jsii.String(f.CacheControl),
		}))
	}
	if !props.SkipInvalidation {
		s.Invalidation = newInvalidation(c, s, props, ContentHash(props.Files))
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

func newResponseHeaders(c constructs.Construct, props Props) cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicy {
	return cloudfrontresponseheaderspolicy.NewCloudfrontResponseHeadersPolicy(c, jsii.String("security-headers"), &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicyConfig{
		Name:    jsii.String(props.Project + "-" + props.App + "-security"),
		Comment: jsii.String("Security headers of " + props.App),
		SecurityHeadersConfig: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfig{
			ContentTypeOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions:       &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions{FrameOption: jsii.String("DENY"), Override: jsii.Bool(true)},
			ReferrerPolicy:     &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy{ReferrerPolicy: jsii.String("strict-origin-when-cross-origin"), Override: jsii.Bool(true)},
			ContentSecurityPolicy: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(siteheaders.DefaultCSP), Override: jsii.Bool(true),
			},
			StrictTransportSecurity: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity{
				AccessControlMaxAgeSec: jsii.Number(31536000), IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true),
			},
		},
	})
}

// URL is the site's address.
func (s *Site) URL(domain string) string {
	if domain != "" {
		return "https://" + domain
	}
	return "https://" + *s.Distribution.DomainName()
}

func setTTL(field **int, def int) {
	if *field == nil {
		*field = &def
	}
}

func hasIndex(files []File) bool {
	return slices.ContainsFunc(files, func(f File) bool { return f.Key == "index.html" })
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	setTTL(&p.MinTTL, DefaultMinTTL)
	setTTL(&p.DefaultTTL, DefaultDefaultTTL)
	setTTL(&p.MaxTTL, DefaultMaxTTL)
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	if !hasIndex(p.Files) {
		check.Add("Files", len(p.Files), "must hold index.html (read them with clientsite.Files(buildOutput))")
	}
	check.OptionalRef("API", p.API)
	check.Missing("CertificateARN (with Domain)", p.Domain != "" && p.CertificateARN == nil)
	if *p.MinTTL < 0 || *p.MinTTL > *p.DefaultTTL || *p.DefaultTTL > *p.MaxTTL {
		check.Add("MinTTL/DefaultTTL/MaxTTL", fmt.Sprintf("%d/%d/%d", *p.MinTTL, *p.DefaultTTL, *p.MaxTTL), "must be 0 <= MinTTL <= DefaultTTL <= MaxTTL")
	}
	return check.Err()
}
