// Package s3private makes a bucket private: AES-256 (SSE-S3) at rest,
// every kind of public access blocked, and the given object ownership.
// The site buckets and the access log bucket share it.
package s3private

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	sse "github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
)

// Object ownership settings.
const (
	// OwnerEnforced disables ACLs: the bucket owner owns every object.
	OwnerEnforced = "BucketOwnerEnforced"
	// OwnerPreferred keeps ACLs usable (CloudFront's standard logs are
	// delivered through one) while the owner still owns written objects.
	OwnerPreferred = "BucketOwnerPreferred"
)

// Apply adds the encryption ("encryption"), public access block
// ("public-access") and ownership ("ownership") of bucketID under scope.
func Apply(scope constructs.Construct, bucketID *string, ownership string) {
	sse.NewS3BucketServerSideEncryptionConfigurationA(scope, jsii.String("encryption"), &sse.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: bucketID,
		Rule: &[]*sse.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: &sse.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{SseAlgorithm: jsii.String("AES256")},
		}},
	})
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(scope, jsii.String("public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket: bucketID, BlockPublicAcls: jsii.Bool(true), BlockPublicPolicy: jsii.Bool(true),
		IgnorePublicAcls: jsii.Bool(true), RestrictPublicBuckets: jsii.Bool(true),
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(scope, jsii.String("ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: bucketID,
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String(ownership)},
	})
}
