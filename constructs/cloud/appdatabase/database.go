package appdatabase

import (
	"regexp"

	"github.com/homecloud-dev/fullstack/awsrules"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/naming"
)

// Defaults of the zero-valued Props fields.
const (
	DefaultInstanceClass       = awsrules.DefaultInstanceClass
	DefaultAllocatedStorage    = awsrules.DefaultAllocatedStorage
	DefaultMaxAllocatedStorage = awsrules.DefaultMaxAllocatedStorage
	// DefaultBackupRetentionDays applies unless the database is
	// Disposable: an instance that keeps data keeps backups of it.
	DefaultBackupRetentionDays = awsrules.DefaultBackupRetentionDays
)

// Props configures an app's RDS instance.
type Props struct {
	dbspec.Spec
	// EngineVersion is the PostgreSQL major version, e.g. "16". Required.
	EngineVersion string
	// Network places the instance in its private subnets, behind its
	// database security group. Required.
	Network *network.Network
	// InstanceClass. Default DefaultInstanceClass.
	InstanceClass string
	// AllocatedStorage in GiB, awsrules.RDSMinStorageGiB or more. Default
	// DefaultAllocatedStorage.
	AllocatedStorage int
	// MaxAllocatedStorage is the storage autoscaling ceiling in GiB.
	// Default the larger of DefaultMaxAllocatedStorage and AllocatedStorage.
	MaxAllocatedStorage int
	// BackupRetentionDays, 1-35. Default DefaultBackupRetentionDays; a
	// Disposable database defaults to 0 (no automated backups).
	BackupRetentionDays int
	// Disposable drops deletion protection and the final snapshot (test
	// and emulator environments). Default false: the data is protected.
	Disposable bool
	// KMSKeyARN encrypts the storage, snapshots and the master secret with
	// a customer-managed key. Changing it replaces the instance (which
	// deletion protection refuses): choose before the first deploy.
	// Default empty: AWS-managed keys.
	KMSKeyARN string
}

// Database is an app's RDS PostgreSQL instance.
type Database struct {
	constructs.Construct
	SubnetGroup    dbsubnetgroup.DbSubnetGroup
	ParameterGroup dbparametergroup.DbParameterGroup
	Instance       dbinstance.DbInstance
	// AppRoleSecret holds the login ("username", "password") of the role
	// the app connects as (dbspec.Spec.AppRole); the migration task
	// creates the role from it.
	AppRoleSecret secretsmanagersecret.SecretsmanagerSecret
	// AppRoleSecretVersion is its value: a new version runs the migration
	// task again, which sets the role's password to it.
	AppRoleSecretVersion secretsmanagersecretversion.SecretsmanagerSecretVersion
	spec                 dbspec.Spec
	// secretARN and appRoleSecretARN are one token each: every reader
	// gets the same string, so a cluster can tell whether it was granted it.
	secretARN, appRoleSecretARN *string
}

const (
	idSubnetGroup    = "subnet-group"
	idParameterGroup = "parameter-group"
	idInstance       = "instance"
)

var majorVersion = regexp.MustCompile(`^[0-9]{2}$`)

// New creates the app's RDS instance: encrypted gp3 storage with
// autoscaling, the master password managed by RDS in Secrets Manager, no
// public access, TLS forced, backups kept, and (unless disposable)
// deletion protection, a final snapshot, and automated backups that
// outlive the instance.
func New(scope constructs.Construct, id string, props Props) (*Database, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := naming.AppDBInstance(props.Project, props.App).Value
	cl := &Database{Construct: c, spec: props.Spec}
	cl.SubnetGroup = dbsubnetgroup.NewDbSubnetGroup(c, jsii.String(idSubnetGroup), &dbsubnetgroup.DbSubnetGroupConfig{
		Name:        jsii.String(name),
		Description: jsii.String("Private subnets of " + props.App + "'s database"),
		SubnetIds:   props.Network.PrivateSubnetIDs(),
	})
	cl.ParameterGroup = dbparametergroup.NewDbParameterGroup(c, jsii.String(idParameterGroup), &dbparametergroup.DbParameterGroupConfig{
		// The family is in the name: a major upgrade creates a new group
		// before the old one is released.
		Name:        jsii.String(name + "-pg" + props.EngineVersion),
		Family:      jsii.String("postgres" + props.EngineVersion),
		Description: jsii.String("TLS-only connections for " + props.App),
		Parameter: &[]*dbparametergroup.DbParameterGroupParameter{
			{Name: jsii.String("rds.force_ssl"), Value: jsii.String("1")},
			{Name: jsii.String("password_encryption"), Value: jsii.String("scram-sha-256")},
		},
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
	cfg := &dbinstance.DbInstanceConfig{
		Identifier:          jsii.String(name),
		Engine:              jsii.String("postgres"),
		EngineVersion:       jsii.String(props.EngineVersion),
		InstanceClass:       jsii.String(props.InstanceClass),
		AllocatedStorage:    jsii.Number(float64(props.AllocatedStorage)),
		MaxAllocatedStorage: jsii.Number(float64(props.MaxAllocatedStorage)),
		StorageType:         jsii.String("gp3"),
		StorageEncrypted:    jsii.Bool(true),
		// The port the database security group admits.
		Port:   jsii.Number(network.PostgresPort),
		DbName: jsii.String(props.Spec.Database()),
		// The same role name as on the home server; RDS keeps its password
		// in Secrets Manager and rotates it.
		Username:                 jsii.String(props.Spec.Database()),
		ManageMasterUserPassword: jsii.Bool(true),
		DbSubnetGroupName:        cl.SubnetGroup.Name(),
		ParameterGroupName:       cl.ParameterGroup.Name(),
		VpcSecurityGroupIds:      &[]*string{props.Network.SecurityGroups.Database.Id()},
		PubliclyAccessible:       jsii.Bool(false),
		BackupRetentionPeriod:    jsii.Number(float64(props.BackupRetentionDays)),
		// Fixed windows, clear of AWS Backup's daily job (cloud.backup).
		BackupWindow:            jsii.String(awsrules.RDSBackupWindow),
		MaintenanceWindow:       jsii.String(awsrules.RDSMaintenanceWindow),
		CopyTagsToSnapshot:      jsii.Bool(true),
		AutoMinorVersionUpgrade: jsii.Bool(true),
		DeletionProtection:      jsii.Bool(!props.Disposable),
		SkipFinalSnapshot:       jsii.Bool(props.Disposable),
		Tags:                    &map[string]*string{"app": jsii.String(props.App)},
	}
	if props.KMSKeyARN != "" {
		cfg.KmsKeyId = jsii.String(props.KMSKeyARN)
		cfg.MasterUserSecretKmsKeyId = jsii.String(props.KMSKeyARN)
	}
	if !props.Disposable {
		cfg.FinalSnapshotIdentifier = jsii.String(name + "-final")
		// Deleting the instance keeps its automated backups (until their
		// retention ends), so a mistaken destroy can still be restored
		// to any point in the window, not only to the final snapshot.
		cfg.DeleteAutomatedBackups = jsii.Bool(false)
	}
	cl.Instance = dbinstance.NewDbInstance(c, jsii.String(idInstance), cfg)
	window := appRoleSecretRecoveryDays
	if props.Disposable {
		window = 0
	}
	cl.AppRoleSecret, cl.AppRoleSecretVersion = newAppRoleSecret(c, props, window)
	return cl, nil
}

// appRoleSecretRecoveryDays is how long a deleted app role secret can be
// restored (a disposable database's is deleted at once).
const appRoleSecretRecoveryDays = 7

// AppRoleSecretARN is the ARN token of the app role's secret.
func (c *Database) AppRoleSecretARN() *string {
	if c.appRoleSecretARN == nil {
		c.appRoleSecretARN = c.AppRoleSecret.Arn()
	}
	return c.appRoleSecretARN
}

// SecretARNs are the secrets the database's tasks take: the master's
// (the migration task) and the app role's (the app's tasks). Give them to
// ecscluster.Props.SecretARNs.
func (c *Database) SecretARNs() []string { return []string{*c.SecretARN(), *c.AppRoleSecretARN()} }

// Endpoint is the instance's host name token.
func (c *Database) Endpoint() *string { return c.Instance.Address() }

// Port is the instance's port token.
func (c *Database) Port() *float64 { return c.Instance.Port() }

// SecretARN is the ARN token of the Secrets Manager secret RDS keeps the
// master credentials in (JSON with "username" and "password").
func (c *Database) SecretARN() *string {
	if c.secretARN == nil {
		c.secretARN = c.Instance.MasterUserSecret().Get(jsii.Number(0)).SecretArn()
	}
	return c.secretARN
}

// Spec is the shared spec.
func (c *Database) Spec() dbspec.Spec { return c.spec }

func (p Props) validate(check *propcheck.Errors) error {
	p.Spec.Check(check)
	if !majorVersion.MatchString(p.EngineVersion) {
		check.Add("EngineVersion", p.EngineVersion, "is not a PostgreSQL major version (two digits, e.g. \"16\")")
	}
	check.Ref("Network", p.Network)
	if p.AllocatedStorage < awsrules.RDSMinStorageGiB || p.AllocatedStorage > awsrules.RDSMaxStorageGiB {
		check.Add("AllocatedStorage", p.AllocatedStorage, "must be %d-%d GiB", awsrules.RDSMinStorageGiB, awsrules.RDSMaxStorageGiB)
	}
	if p.MaxAllocatedStorage < p.AllocatedStorage {
		check.Add("MaxAllocatedStorage", p.MaxAllocatedStorage, "must be at least AllocatedStorage (%d)", p.AllocatedStorage)
	}
	check.Range("BackupRetentionDays", p.BackupRetentionDays, 0, awsrules.RDSMaxBackupRetentionDays)
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.InstanceClass == "" {
		p.InstanceClass = DefaultInstanceClass
	}
	if p.AllocatedStorage == 0 {
		p.AllocatedStorage = DefaultAllocatedStorage
	}
	if p.MaxAllocatedStorage == 0 {
		p.MaxAllocatedStorage = max(DefaultMaxAllocatedStorage, p.AllocatedStorage)
	}
	if p.BackupRetentionDays == 0 && !p.Disposable {
		p.BackupRetentionDays = DefaultBackupRetentionDays
	}
}
