package statebackend

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dynamodbtable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"

	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the state backend.
type Props struct {
	// Bucket name. Required.
	Bucket string
	// LockTable name. Required.
	LockTable string
	// Disposable allows destroying the bucket with its state and the lock
	// table. Default false: both are protected by prevent_destroy and the
	// bucket is never emptied by Terraform. Set it for throwaway
	// environments (the stacks do on the emulator).
	Disposable bool
	// Emulator is the stack's local AWS emulator. Default nil: real AWS.
	// On the emulator the bucket has no TLS-only policy: moto 5.2.1
	// ignores the condition of a Deny statement, so the policy would deny
	// every request, TLS or not.
	Emulator *awsprovider.Emulator
}

// Backend is the state bucket and lock table.
type Backend struct {
	constructs.Construct
	Bucket    s3bucket.S3Bucket
	LockTable dynamodbtable.DynamodbTable
}

const (
	idBucket        = "state-bucket"
	idVersioning    = "state-versioning"
	idEncryption    = "state-encryption"
	idPublicAccess  = "state-public-access"
	idOwnership     = "state-ownership"
	idBucketPolicy  = "state-tls-only"
	idLockTable     = "lock-table"
	lockTableHashID = "LockID" // the attribute Terraform's S3 backend locks on
)

// New creates the backend under scope.
func New(scope constructs.Construct, id string, props Props) (*Backend, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	lifecycle := &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(!props.Disposable)}
	b := &Backend{Construct: c}
	b.Bucket = s3bucket.NewS3Bucket(c, jsii.String(idBucket), &s3bucket.S3BucketConfig{
		Bucket:       jsii.String(props.Bucket),
		ForceDestroy: jsii.Bool(props.Disposable),
		Lifecycle:    lifecycle,
	})
	// Every state version is kept, so a bad apply can be rolled back.
	s3bucketversioning.NewS3BucketVersioningA(c, jsii.String(idVersioning), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  b.Bucket.Id(),
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, jsii.String(idEncryption), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: b.Bucket.Id(),
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
				SseAlgorithm: jsii.String("AES256"),
			},
		}},
	})
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String(idPublicAccess), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                b.Bucket.Id(),
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, jsii.String(idOwnership), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: b.Bucket.Id(),
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
	})
	if props.Emulator == nil {
		s3bucketpolicy.NewS3BucketPolicy(c, jsii.String(idBucketPolicy), &s3bucketpolicy.S3BucketPolicyConfig{
			Bucket: b.Bucket.Id(),
			Policy: jsii.String(TLSOnlyPolicy(*b.Bucket.Arn()).JSON()),
		})
	}
	b.LockTable = dynamodbtable.NewDynamodbTable(c, jsii.String(idLockTable), &dynamodbtable.DynamodbTableConfig{
		Name:        jsii.String(props.LockTable),
		BillingMode: jsii.String("PAY_PER_REQUEST"),
		HashKey:     jsii.String(lockTableHashID),
		Attribute: &[]*dynamodbtable.DynamodbTableAttribute{{
			Name: jsii.String(lockTableHashID), Type: jsii.String("S"),
		}},
		ServerSideEncryption: &dynamodbtable.DynamodbTableServerSideEncryption{Enabled: jsii.Bool(true)},
		PointInTimeRecovery:  &dynamodbtable.DynamodbTablePointInTimeRecovery{Enabled: jsii.Bool(true)},
		Lifecycle:            lifecycle,
	})
	return b, nil
}

// TLSOnlyPolicy denies every request to the bucket that is not over TLS.
func TLSOnlyPolicy(bucketARN string) iampolicy.Document {
	return iampolicy.New(iampolicy.DenyInsecureTransport(bucketARN))
}

// BucketName is the bucket name token.
func (b *Backend) BucketName() *string { return b.Bucket.Bucket() }

// LockTableName is the lock table name token.
func (b *Backend) LockTableName() *string { return b.LockTable.Name() }

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Bucket", p.Bucket)
	check.Required("LockTable", p.LockTable)
	return check.Err()
}
