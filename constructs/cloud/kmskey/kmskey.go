// Package kmskey is the project's customer-managed KMS key: rotated every
// year, administered through IAM in the owning account, and usable by
// CloudWatch Logs for the project's log groups. RDS, Secrets Manager and
// ECR use it through grants made on the deploying principal's behalf.
package kmskey

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"

	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the key.
type Props struct {
	// Alias names the key (alias/<Alias>): letters, digits, '/', '_', '-'.
	// Required.
	Alias string
	// Region is where the key and the log groups that use it are. Required.
	Region string
	// DeletionWindowDays is how long a scheduled deletion can be
	// cancelled, 7-30. Default 30: losing the key loses every thing it
	// encrypts, so the longest window.
	DeletionWindowDays int
}

// DefaultDeletionWindowDays is the longest window AWS allows.
const DefaultDeletionWindowDays = 30

// Key is the KMS key and its alias.
type Key struct {
	constructs.Construct
	Key   kmskey.KmsKey
	Alias kmsalias.KmsAlias
}

var aliasName = regexp.MustCompile(`^[A-Za-z0-9/_-]{1,250}$`)

// New creates the key under scope.
func New(scope constructs.Construct, id string, props Props) (*Key, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	account := dataawscalleridentity.NewDataAwsCallerIdentity(c, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	partition := dataawspartition.NewDataAwsPartition(c, jsii.String("partition"), &dataawspartition.DataAwsPartitionConfig{}).Partition()
	k := &Key{Construct: c}
	k.Key = kmskey.NewKmsKey(c, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:          jsii.String("Customer-managed key of " + props.Alias),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(float64(props.DeletionWindowDays)),
		Policy:               jsii.String(policy(*partition, *account, props.Region).JSON()),
	})
	k.Alias = kmsalias.NewKmsAlias(c, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Name: jsii.String("alias/" + props.Alias), TargetKeyId: k.Key.KeyId(),
	})
	return k, nil
}

// policy lets the account administer the key through IAM (AWS's default
// key policy) and CloudWatch Logs use it for this account's log groups in
// the region.
func policy(partition, account, region string) iampolicy.Document {
	admin := iampolicy.Allow("AccountAdministersThroughIAM", []string{"kms:*"}, []string{"*"})
	admin.Principal = map[string]any{"AWS": "arn:" + partition + ":iam::" + account + ":root"}
	logs := iampolicy.Allow("CloudWatchLogsEncrypts",
		[]string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, []string{"*"})
	logs.Principal = map[string]any{"Service": "logs." + region + ".amazonaws.com"}
	logs.Condition = map[string]map[string]any{"ArnLike": {
		"kms:EncryptionContext:aws:logs:arn": "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:*",
	}}
	return iampolicy.New(admin, logs)
}

// ARN is the key's ARN token.
func (k *Key) ARN() *string { return k.Key.Arn() }

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.DeletionWindowDays == 0 {
		p.DeletionWindowDays = DefaultDeletionWindowDays
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	if !aliasName.MatchString(p.Alias) {
		check.Add("Alias", p.Alias, "is not 1-250 of letters, digits, '/', '_', '-'")
	}
	check.Required("Region", p.Region)
	check.Range("DeletionWindowDays", p.DeletionWindowDays, 7, 30)
	return check.Err()
}
