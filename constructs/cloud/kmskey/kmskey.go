// Package kmskey is the project's customer-managed KMS key: rotated every
// year, administered through IAM in the owning account, and usable by
// CloudWatch Logs for the project's log groups. RDS, Secrets Manager and
// ECR use it through grants made on the deploying principal's behalf.
package kmskey

import (
	"fmt"
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
	// ShareWithAccounts are other accounts (12 digits) that may use the
	// key to read what it encrypts: the account holding AWS Backup's
	// cross-account copies. Default none.
	ShareWithAccounts []string
}

// DefaultDeletionWindowDays is the longest window AWS allows.
const DefaultDeletionWindowDays = 30

// Key is the KMS key and its alias.
type Key struct {
	constructs.Construct
	Key   kmskey.KmsKey
	Alias kmsalias.KmsAlias
}

var (
	aliasName = regexp.MustCompile(`^[A-Za-z0-9/_-]{1,250}$`)
	accountID = regexp.MustCompile(`^[0-9]{12}$`)
)

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
		Policy:               jsii.String(policy(*partition, *account, props.Region, props.ShareWithAccounts).JSON()),
	})
	k.Alias = kmsalias.NewKmsAlias(c, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Name: jsii.String("alias/" + props.Alias), TargetKeyId: k.Key.KeyId(),
	})
	return k, nil
}

// policy lets the account administer the key through IAM (AWS's default
// key policy), CloudWatch Logs use it for this account's log groups in
// the region, and the shared accounts decrypt with it (and grant that to
// their AWS Backup).
func policy(partition, account, region string, shared []string) iampolicy.Document {
	admin := iampolicy.Allow("AccountAdministersThroughIAM", []string{"kms:*"}, []string{"*"})
	admin.Principal = map[string]any{"AWS": "arn:" + partition + ":iam::" + account + ":root"}
	logs := iampolicy.Allow("CloudWatchLogsEncrypts",
		[]string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, []string{"*"})
	logs.Principal = map[string]any{"Service": "logs." + region + ".amazonaws.com"}
	logs.Condition = map[string]map[string]any{"ArnLike": {
		"kms:EncryptionContext:aws:logs:arn": "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:*",
	}}
	doc := iampolicy.New(admin, logs)
	if len(shared) > 0 {
		var roots []string
		for _, a := range shared {
			roots = append(roots, "arn:"+partition+":iam::"+a+":root")
		}
		use := iampolicy.Allow("OtherAccountsDecrypt",
			[]string{"kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*"}, []string{"*"})
		use.Principal = map[string]any{"AWS": roots}
		doc.Statement = append(doc.Statement, use)
	}
	return doc
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
	for i, a := range p.ShareWithAccounts {
		if !accountID.MatchString(a) {
			check.Add(fmt.Sprintf("ShareWithAccounts[%d]", i), a, "is not an AWS account ID (12 digits)")
		}
	}
	return check.Err()
}
