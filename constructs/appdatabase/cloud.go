package appdatabase

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/network"
	"github.com/homecloud-dev/fullstack/naming"
)

// CloudProps configures the cloud variant.
type CloudProps struct {
	Spec
	// EngineVersion is the PostgreSQL major version. Required.
	EngineVersion string
	// Size, backups and protection; zero fields take config's defaults.
	Database config.Database
	// SubnetIDs are the private subnets (tokens). Required, at least 2.
	SubnetIDs *[]*string
	// SecurityGroupID is the database tier's group (token). Required.
	SecurityGroupID *string
	// KMSKeyARN encrypts the storage, snapshots and the master secret with
	// a customer-managed key. Changing it replaces the instance (which
	// deletion protection refuses): choose before the first deploy.
	// Default empty: AWS-managed keys.
	KMSKeyARN string
}

// Cloud is an app's RDS PostgreSQL instance.
type Cloud struct {
	constructs.Construct
	SubnetGroup    dbsubnetgroup.DbSubnetGroup
	ParameterGroup dbparametergroup.DbParameterGroup
	Instance       dbinstance.DbInstance
	spec           Spec
}

const (
	idSubnetGroup    = "subnet-group"
	idParameterGroup = "parameter-group"
	idInstance       = "instance"
)

var majorVersion = regexp.MustCompile(`^[0-9]{2}$`)

// NewCloud creates the app's RDS instance: encrypted gp3 storage with
// autoscaling, the master password managed by RDS in Secrets Manager, no
// public access, TLS forced, backups kept, and (unless disposable)
// deletion protection and a final snapshot.
func NewCloud(scope constructs.Construct, id string, props CloudProps) (*Cloud, error) {
	d := &props.Database
	if d.InstanceClass == "" {
		d.InstanceClass = config.DefaultInstanceClass
	}
	if d.AllocatedStorage == 0 {
		d.AllocatedStorage = config.DefaultAllocatedStorage
	}
	if d.MaxAllocatedStorage == 0 {
		d.MaxAllocatedStorage = max(config.DefaultMaxStorage, d.AllocatedStorage)
	}
	if err := props.validate(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := naming.AppDBInstance(props.Project, props.App).Value
	cl := &Cloud{Construct: c, spec: props.Spec}
	cl.SubnetGroup = dbsubnetgroup.NewDbSubnetGroup(c, jsii.String(idSubnetGroup), &dbsubnetgroup.DbSubnetGroupConfig{
		Name:        jsii.String(name),
		Description: jsii.String("Private subnets of " + props.App + "'s database"),
		SubnetIds:   props.SubnetIDs,
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
		InstanceClass:       jsii.String(d.InstanceClass),
		AllocatedStorage:    jsii.Number(float64(d.AllocatedStorage)),
		MaxAllocatedStorage: jsii.Number(float64(d.MaxAllocatedStorage)),
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
		VpcSecurityGroupIds:      &[]*string{props.SecurityGroupID},
		PubliclyAccessible:       jsii.Bool(false),
		BackupRetentionPeriod:    jsii.Number(float64(d.BackupRetentionDays)),
		CopyTagsToSnapshot:       jsii.Bool(true),
		AutoMinorVersionUpgrade:  jsii.Bool(true),
		DeletionProtection:       jsii.Bool(!d.Disposable),
		SkipFinalSnapshot:        jsii.Bool(d.Disposable),
		Tags:                     &map[string]*string{"app": jsii.String(props.App)},
	}
	if props.KMSKeyARN != "" {
		cfg.KmsKeyId = jsii.String(props.KMSKeyARN)
		cfg.MasterUserSecretKmsKeyId = jsii.String(props.KMSKeyARN)
	}
	if !d.Disposable {
		cfg.FinalSnapshotIdentifier = jsii.String(name + "-final")
	}
	cl.Instance = dbinstance.NewDbInstance(c, jsii.String(idInstance), cfg)
	return cl, nil
}

// Endpoint is the instance's host name token.
func (c *Cloud) Endpoint() *string { return c.Instance.Address() }

// Port is the instance's port token.
func (c *Cloud) Port() *float64 { return c.Instance.Port() }

// SecretARN is the ARN token of the Secrets Manager secret RDS keeps the
// master credentials in (JSON with "username" and "password").
func (c *Cloud) SecretARN() *string {
	return c.Instance.MasterUserSecret().Get(jsii.Number(0)).SecretArn()
}

// Spec is the shared spec.
func (c *Cloud) Spec() Spec { return c.spec }

func (p CloudProps) validate() error {
	errs := []error{p.Spec.validate("NewCloud")}
	if !majorVersion.MatchString(p.EngineVersion) {
		errs = append(errs, fmt.Errorf("appdatabase.NewCloud: EngineVersion %q is not a PostgreSQL major version", p.EngineVersion))
	}
	if p.SubnetIDs == nil || p.SecurityGroupID == nil {
		errs = append(errs, errors.New("appdatabase.NewCloud: SubnetIDs and SecurityGroupID are required"))
	}
	d := p.Database
	if d.AllocatedStorage < config.MinAllocatedStorage || d.MaxAllocatedStorage < d.AllocatedStorage {
		errs = append(errs, fmt.Errorf("appdatabase.NewCloud: storage %d/%d GiB: allocated must be at least %d and the maximum at least the allocated", d.AllocatedStorage, d.MaxAllocatedStorage, config.MinAllocatedStorage))
	}
	if d.BackupRetentionDays < 0 || d.BackupRetentionDays > 35 {
		errs = append(errs, fmt.Errorf("appdatabase.NewCloud: BackupRetentionDays %d is outside 0-35", d.BackupRetentionDays))
	}
	return errors.Join(errs...)
}
