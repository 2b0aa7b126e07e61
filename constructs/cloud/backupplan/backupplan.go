// Package backupplan is the optional AWS Backup plan of the RDS
// databases, on top of RDS's own automated backups: a vault, a daily
// backup kept RetentionDays, a copy of each backup in a second region or
// account, and a restore testing plan (AWS's own scheduled restore
// drill: it restores the newest backup into a new instance, waits for it
// to come up, and deletes it).
package backupplan

import (
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupplan"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupselection"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupvault"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the plan.
type Props struct {
	// Name prefixes the vault, plan, role and selections
	// (<project>-<environment>): letters, digits and '-'. Required.
	Name string
	// Databases are the RDS instances backed up (and restore-tested).
	// Required: at least one.
	Databases []Database
	// Schedule is the backup's cron expression, in UTC. Default
	// DefaultSchedule.
	Schedule string
	// RetentionDays is how long each backup is kept. Default
	// DefaultRetentionDays.
	RetentionDays int
	// CopyProvider is an aws provider of a second region: each backup is
	// copied to a vault the plan creates there. Default nil: no copy
	// there.
	CopyProvider cdktf.TerraformProvider
	// CopyVaultARN is a vault elsewhere (another account) that each backup
	// is copied to; its access policy must let this account copy in.
	// Default "": no such copy. Not with CopyProvider.
	CopyVaultARN string
	// CopyRetentionDays is how long each copy is kept. Default
	// RetentionDays.
	CopyRetentionDays int
	// KMSKeyARN encrypts the vault and is the key the databases use:
	// the backup role may use it. Default "": AWS Backup's own key.
	KMSKeyARN string
	// RestoreTesting restores the newest backup of each database on
	// RestoreTestSchedule. Default false.
	RestoreTesting bool
	// RestoreTestSchedule is the restore testing plan's cron expression.
	// Default DefaultRestoreTestSchedule.
	RestoreTestSchedule string
	// Disposable lets Terraform delete the vaults with their backups.
	// Default false: a vault that holds backups is not deleted.
	Disposable bool
}

// Database is one RDS instance and where a test restore of it goes.
type Database struct {
	// App names the database's restore testing selection
	// (<Name>_<App>, '-' as '_', at most 50 characters). Required with
	// RestoreTesting.
	App string
	// InstanceARN is the instance. Required.
	InstanceARN *string
	// SubnetGroup and SecurityGroupID place a test restore beside the
	// instance (AWS Backup would choose the default VPC, which a project
	// VPC may not have). Required with RestoreTesting.
	SubnetGroup     *string
	SecurityGroupID *string
}

// Defaults.
const (
	// DefaultSchedule backs up daily at 03:17 UTC, clear of the
	// databases' own backup window (awsrules.RDSBackupWindow).
	DefaultSchedule = "cron(17 3 * * ? *)"
	// DefaultRetentionDays is RDS's longest automated backup retention.
	DefaultRetentionDays = awsrules.RDSMaxBackupRetentionDays
	// DefaultRestoreTestSchedule tests a restore every Sunday at 05:00 UTC.
	DefaultRestoreTestSchedule = "cron(0 5 ? * SUN *)"
)

// Managed policies AWS Backup's role needs to back up and to restore.
const (
	backupPolicy  = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
	restorePolicy = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"
)

// Plan is the vaults, the plan, its selection and the role AWS Backup
// uses.
type Plan struct {
	constructs.Construct
	Vault     backupvault.BackupVault
	CopyVault backupvault.BackupVault // nil without CopyProvider
	Plan      backupplan.BackupPlan
	Role      iamrole.IamRole
	Selection backupselection.BackupSelection
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// New creates the plan under scope.
func New(scope constructs.Construct, id string, props Props) (*Plan, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	p := &Plan{Construct: c}
	// AWS Backup assumes it for this account's jobs only (no confused
	// deputy).
	trust := iampolicy.ServiceTrust("backup.amazonaws.com")
	account := dataawscalleridentity.NewDataAwsCallerIdentity(c, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	trust.Statement[0].Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": *account}}
	p.Role = iamrole.NewIamRole(c, jsii.String("role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(props.Name + "-backup"),
		AssumeRolePolicy: jsii.String(trust.JSON()),
	})
	policies := []string{backupPolicy}
	if props.RestoreTesting {
		policies = append(policies, restorePolicy)
	}
	for i, arn := range policies {
		iamrolepolicyattachment.NewIamRolePolicyAttachment(c, jsii.String(fmt.Sprintf("policy-%d", i)), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
			Role: p.Role.Name(), PolicyArn: jsii.String(arn),
		})
	}
	if props.KMSKeyARN != "" {
		// The key's policy leaves its use to IAM: the role reads the
		// databases' snapshots and encrypts the vault with it.
		iamrolepolicy.NewIamRolePolicy(c, jsii.String("kms"), &iamrolepolicy.IamRolePolicyConfig{
			Role: p.Role.Name(), Name: jsii.String("use-project-key"),
			Policy: jsii.String(kmsPolicy(props.KMSKeyARN).JSON()),
		})
	}
	vault := &backupvault.BackupVaultConfig{Name: jsii.String(props.Name), ForceDestroy: jsii.Bool(props.Disposable)}
	if props.KMSKeyARN != "" {
		vault.KmsKeyArn = jsii.String(props.KMSKeyARN)
	}
	p.Vault = backupvault.NewBackupVault(c, jsii.String("vault"), vault)
	rule := &backupplan.BackupPlanRule{
		RuleName:        jsii.String("daily"),
		TargetVaultName: p.Vault.Name(),
		Schedule:        jsii.String(props.Schedule),
		// Start within an hour, finish within a day.
		StartWindow: jsii.Number(60), CompletionWindow: jsii.Number(1440),
		Lifecycle: &backupplan.BackupPlanRuleLifecycle{DeleteAfter: jsii.Number(float64(props.RetentionDays))},
	}
	copyTo := props.CopyVaultARN
	if props.CopyProvider != nil {
		// The second region's key is AWS Backup's own there (a KMS key is
		// regional).
		p.CopyVault = backupvault.NewBackupVault(c, jsii.String("copy-vault"), &backupvault.BackupVaultConfig{
			Name: jsii.String(props.Name + "-copy"), ForceDestroy: jsii.Bool(props.Disposable), Provider: props.CopyProvider,
		})
		copyTo = *p.CopyVault.Arn()
	}
	if copyTo != "" {
		rule.CopyAction = &[]*backupplan.BackupPlanRuleCopyAction{{
			DestinationVaultArn: jsii.String(copyTo),
			Lifecycle:           &backupplan.BackupPlanRuleCopyActionLifecycle{DeleteAfter: jsii.Number(float64(props.CopyRetentionDays))},
		}}
	}
	p.Plan = backupplan.NewBackupPlan(c, jsii.String("plan"), &backupplan.BackupPlanConfig{
		Name: jsii.String(props.Name), Rule: &[]*backupplan.BackupPlanRule{rule},
	})
	var arns []*string
	for _, db := range props.Databases {
		arns = append(arns, db.InstanceARN)
	}
	p.Selection = backupselection.NewBackupSelection(c, jsii.String("selection"), &backupselection.BackupSelectionConfig{
		Name: jsii.String(props.Name + "-rds"), PlanId: p.Plan.Id(), IamRoleArn: p.Role.Arn(), Resources: &arns,
	})
	if props.RestoreTesting {
		newRestoreTesting(c, p, props)
	}
	return p, nil
}

// kmsPolicy lets the role read what the key encrypts and write the
// vault's recovery points with it, granting it only to AWS resources
// (the snapshots AWS Backup copies).
func kmsPolicy(key string) iampolicy.Document {
	use := iampolicy.Allow("UseProjectKey", []string{"kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, []string{key})
	grant := iampolicy.Allow("GrantToAWSResources", []string{"kms:CreateGrant"}, []string{key})
	grant.Condition = map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}
	return iampolicy.New(use, grant)
}

func (p *Props) defaults() {
	if p.Schedule == "" {
		p.Schedule = DefaultSchedule
	}
	if p.RetentionDays == 0 {
		p.RetentionDays = DefaultRetentionDays
	}
	if p.CopyRetentionDays == 0 {
		p.CopyRetentionDays = p.RetentionDays
	}
	if p.RestoreTestSchedule == "" {
		p.RestoreTestSchedule = DefaultRestoreTestSchedule
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	if !namePattern.MatchString(p.Name) {
		check.Add("Name", p.Name, "must be 1-40 letters, digits and '-'")
	}
	if len(p.Databases) == 0 {
		check.Add("Databases", len(p.Databases), "is required: at least one RDS instance")
	}
	for i, db := range p.Databases {
		f := fmt.Sprintf("Databases[%d]", i)
		check.Missing(f+".InstanceARN", db.InstanceARN == nil)
		if p.RestoreTesting {
			if n := restoreTestingName(p.Name, db.App); db.App == "" || !awsrules.IsRestoreTestingName(n) {
				check.Add(f+".App", db.App, "must name the app so that %q, its restore testing selection, %s", n, awsrules.RestoreTestingNameRule)
			}
			check.Missing(f+".SubnetGroup", db.SubnetGroup == nil)
			check.Missing(f+".SecurityGroupID", db.SecurityGroupID == nil)
		}
	}
	if !awsrules.IsBackupSchedule(p.Schedule) {
		check.Add("Schedule", p.Schedule, awsrules.BackupScheduleRule)
	} else if awsrules.ClashesWithRDSBackupWindow(p.Schedule) {
		check.Add("Schedule", p.Schedule, "starts within an hour of the databases' backup window (%s UTC), when AWS Backup starts no job", awsrules.RDSBackupWindow)
	}
	if !awsrules.IsBackupSchedule(p.RestoreTestSchedule) {
		check.Add("RestoreTestSchedule", p.RestoreTestSchedule, awsrules.BackupScheduleRule)
	}
	check.Min("RetentionDays", p.RetentionDays, 1)
	check.Min("CopyRetentionDays", p.CopyRetentionDays, 1)
	if p.CopyProvider != nil && p.CopyVaultARN != "" {
		check.Add("CopyVaultARN", p.CopyVaultARN, "is not allowed with CopyProvider: copy to one place")
	}
	if p.CopyVaultARN != "" && !awsrules.IsBackupVaultARN(p.CopyVaultARN) {
		check.Add("CopyVaultARN", p.CopyVaultARN, awsrules.BackupVaultARNRule)
	}
	return check.Err()
}
