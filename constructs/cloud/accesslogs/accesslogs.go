// Package accesslogs is the bucket the load balancer and CloudFront write
// their access logs to: private, encrypted, TLS-only, and emptied of logs
// older than the retention.
package accesslogs

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cf "github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawselbserviceaccount"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/cloud/s3private"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the log bucket.
type Props struct {
	// BucketPrefix starts the bucket name (AWS adds a unique suffix), at
	// most 37 chars. Required.
	BucketPrefix string
	// RetentionDays after which a log object is deleted. Default 90.
	RetentionDays int
	// ForceDestroy lets Terraform delete a bucket that still holds logs.
	// Default false: a destroy keeps the logs and fails until they are
	// moved away.
	ForceDestroy bool
	// Emulator is the stack's local AWS emulator. Default nil: real AWS.
	// On the emulator the bucket policy has no TLS-only statement (moto
	// ignores Deny conditions, so it would deny every request).
	Emulator *awsprovider.Emulator
}

// DefaultRetentionDays is how long logs are kept by default.
const DefaultRetentionDays = awsrules.DefaultAccessLogRetentionDays

// Log prefixes inside the bucket.
const (
	LoadBalancerPrefix = "load-balancer"
	CloudFrontPrefix   = "cloudfront/" // + app + "/"
)

// AccessLogs is the log bucket.
type AccessLogs struct {
	constructs.Construct
	Bucket s3bucket.S3Bucket
	// Policy lets the load balancer write; the load balancer must depend
	// on it (AWS checks it when logging is turned on).
	Policy s3bucketpolicy.S3BucketPolicy
}

// New creates the bucket under scope.
func New(scope constructs.Construct, id string, props Props) (*AccessLogs, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &AccessLogs{Construct: c}
	l.Bucket = s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(props.BucketPrefix),
		ForceDestroy: jsii.Bool(props.ForceDestroy),
	})
	// Load balancer logs support only S3-managed keys (SSE-S3); CloudFront's
	// standard logs are delivered through a bucket ACL grant.
	s3private.Apply(c, l.Bucket.Id(), s3private.OwnerPreferred)
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("retention"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: l.Bucket.Id(),
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id: jsii.String("expire-logs"), Status: jsii.String("Enabled"),
			Filter:     &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: jsii.String("")},
			Expiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{Days: jsii.Number(float64(props.RetentionDays))},
		}},
	})
	// The load balancer's log delivery writes as the region's Elastic Load
	// Balancing account (regions before August 2022) or as the log
	// delivery service (newer regions); both are allowed its prefix only.
	elb := dataawselbserviceaccount.NewDataAwsElbServiceAccount(c, jsii.String("elb-account"), &dataawselbserviceaccount.DataAwsElbServiceAccountConfig{})
	arn := *l.Bucket.Arn()
	write := iampolicy.Allow("LoadBalancerWritesLogs", []string{"s3:PutObject"}, []string{arn + "/" + LoadBalancerPrefix + "/*"})
	write.Principal = map[string]any{"AWS": *elb.Arn(), "Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
	doc := iampolicy.New(write)
	if props.Emulator == nil {
		doc.Statement = append(doc.Statement, iampolicy.DenyInsecureTransport(arn))
	}
	l.Policy = s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: l.Bucket.Id(), Policy: jsii.String(doc.JSON()),
	})
	return l, nil
}

// CloudFrontLogging is a distribution's logging configuration for app.
func (l *AccessLogs) CloudFrontLogging(app string) *cf.CloudfrontDistributionLoggingConfig {
	return &cf.CloudfrontDistributionLoggingConfig{
		Bucket: l.Bucket.BucketDomainName(), Prefix: jsii.String(CloudFrontPrefix + app + "/"), IncludeCookies: jsii.Bool(false),
	}
}

// DependsOn are what a load balancer writing here must wait for.
func (l *AccessLogs) DependsOn() []cdktf.ITerraformDependable {
	return []cdktf.ITerraformDependable{l.Policy}
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.RetentionDays == 0 {
		p.RetentionDays = DefaultRetentionDays
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	if p.BucketPrefix == "" || len(p.BucketPrefix) > 37 {
		check.Add("BucketPrefix", p.BucketPrefix, "must be 1-37 chars")
	}
	check.Min("RetentionDays", p.RetentionDays, 1)
	return check.Err()
}
