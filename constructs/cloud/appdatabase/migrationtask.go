package appdatabase

import (
	_ "embed"
	"strconv"
	"strings"

	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/naming"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// MigrationTaskProps configures Flyway on AWS.
type MigrationTaskProps struct {
	// DB is the app's RDS instance. Required.
	DB *Database
	// Repository is the app's ECR repository URL (token). The migration
	// image is <Repository>@<ImageDigest>, or <Repository>:<MigrationImageTag>
	// without a digest. Required.
	Repository *string
	// ImageDigest (sha256:<hex>) is the migration image staging ran (a
	// release's). Default "": the tag derived from the migrations.
	ImageDigest string
	// Cluster runs the one-off task with its execution role, which may
	// pull the image, write LogGroup and read the database secret. Required.
	Cluster *ecscluster.Cluster
	// Network places the task like the app's tasks: its service subnets,
	// the services security group (which the database admits) and a public
	// IP only when there is no NAT. Required.
	Network *network.Network
	// LogGroup is Flyway's own log group name (one of the cluster's Logs).
	// Default naming.AppFlywayLogGroup(project, app): /<project>/<app>/flyway.
	LogGroup string
	// Region of the log group. Default: the Network's.
	Region string
	// Hardening locks Flyway's container down as an app's (read-only root,
	// non-root, no capabilities, init). Default: /tmp writable (the JVM's
	// scratch), ecscluster.NonRootUser.
	Hardening ecscluster.Hardening
	// Emulator is the stack's local AWS emulator. Default nil: real AWS.
	// On the emulator the task is defined but not run during apply: moto
	// never stops a task, so the run would wait forever.
	Emulator *awsprovider.Emulator
}

func (p *MigrationTaskProps) defaults() {
	if p.LogGroup == "" && p.DB != nil {
		p.LogGroup = naming.AppFlywayLogGroup(p.DB.Spec().Project, p.DB.Spec().App).Value
	}
	if p.Region == "" && p.Network != nil {
		p.Region = p.Network.Region()
	}
}

// MigrationTask is the Flyway task definition and its run.
type MigrationTask struct {
	constructs.Construct
	TaskDefinition ecstaskdefinition.EcsTaskDefinition
	// Run runs the task during apply; on the emulator, which starts no
	// task, it runs nothing. App services depend on it (After), so they
	// never move to a new version whose migrations failed.
	Run cdktf.TerraformResource
	// Image is the migration image reference.
	Image string
}

const (
	idTaskDefinition = "flyway-task"
	idRun            = "run-migrations"
)

// NewMigrationTask defines the Flyway task and, unless on the emulator, runs it on
// every apply whose task definition or migrations changed.
func NewMigrationTask(scope constructs.Construct, id string, props MigrationTaskProps) (*MigrationTask, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	spec := props.DB.Spec()
	image := *props.Repository + ":" + spec.MigrationImageTag()
	if props.ImageDigest != "" {
		image = *props.Repository + "@" + props.ImageDigest
	}
	defs, volumes := flywayContainer(image, props)
	c := constructs.NewConstruct(scope, jsii.String(id))
	m := &MigrationTask{Construct: c, Image: image}
	m.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String(idTaskDefinition), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  jsii.String(spec.Project + "-" + spec.App + "-flyway"),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String("256"),
		Memory:                  jsii.String("512"),
		ExecutionRoleArn:        props.Cluster.ExecutionRole.ARN(),
		ContainerDefinitions:    jsii.String(defs),
		Volume:                  &volumes,
	})
	if props.Emulator != nil {
		// The emulator starts no task. Run still exists, running nothing,
		// so that services list it in After on both targets alike.
		m.Run = cdktf.NewTerraformResource(c, jsii.String(idRun), &cdktf.TerraformResourceConfig{
			TerraformResourceType: jsii.String("terraform_data"),
		})
		m.Run.AddOverride(jsii.String("triggers_replace"), []interface{}{m.TaskDefinition.Arn(), spec.MigrationsHash(), props.DB.AppRoleSecretVersion.VersionId()})
		return m, nil
	}
	publicIP := "DISABLED"
	if props.Network.AssignPublicIP() {
		publicIP = "ENABLED"
	}
	m.Run = cdktf.NewTerraformResource(c, jsii.String(idRun), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
		Provisioners: &[]interface{}{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("/bin/sh", "-c"),
			// Terraform would read the shell's ${...} as its own templates.
			Command: jsii.String(strings.ReplaceAll(RunScript, "${", "$${")),
			Environment: &map[string]*string{
				"CLUSTER":          props.Cluster.Name(),
				"TASK_DEFINITION":  m.TaskDefinition.Arn(),
				"SUBNETS":          cdktf.Fn_Join(jsii.String(","), props.Network.ServiceSubnetIDs()),
				"SECURITY_GROUP":   props.Network.SecurityGroups.Services.Id(),
				"ASSIGN_PUBLIC_IP": jsii.String(publicIP),
				"IMAGE":            jsii.String(m.Image),
				"LOG_GROUP":        jsii.String(props.LogGroup),
				"AWS_REGION":       jsii.String(props.Region),
				"APP":              jsii.String(spec.App),
			},
		}},
	})
	// A new task definition revision, new migrations or a new app role
	// password run Flyway again.
	m.Run.AddOverride(jsii.String("triggers_replace"), []interface{}{m.TaskDefinition.Arn(), spec.MigrationsHash(), props.DB.AppRoleSecretVersion.VersionId()})
	return m, nil
}

// flywayContainer is the task's container definition and the volumes it
// mounts: Flyway reads the master credentials from the RDS-managed secret,
// and the app role's password from its own, as ECS secrets, never as
// plain environment values.
func flywayContainer(image string, props MigrationTaskProps) (string, []*ecstaskdefinition.EcsTaskDefinitionVolume) {
	spec := props.DB.Spec()
	secret := *props.DB.SecretARN()
	def := ecscluster.ContainerDefinition{
		Name:      "flyway",
		Image:     image,
		Essential: true,
		Command:   []string{"migrate"},
		Environment: []ecscluster.KeyValue{
			{Name: "FLYWAY_URL", Value: "jdbc:postgresql://" + *props.DB.Endpoint() + ":" + strconv.Itoa(network.PostgresPort) + "/" + spec.Database() + "?sslmode=require"},
			{Name: "FLYWAY_LOCATIONS", Value: "filesystem:" + dbspec.FlywaySQLDir},
			{Name: "FLYWAY_CONNECT_RETRIES", Value: "10"},
			{Name: "FLYWAY_VALIDATE_MIGRATION_NAMING", Value: "true"},
			{Name: dbspec.AppRolePlaceholder, Value: spec.AppRole()},
			// The root filesystem is read-only: whatever Flyway or the JVM
			// keeps under $HOME goes to the writable /tmp.
			{Name: "HOME", Value: "/tmp"},
		},
		Secrets: []ecscluster.Secret{
			{Name: "FLYWAY_USER", ValueFrom: secret + ":username::"},
			{Name: "FLYWAY_PASSWORD", ValueFrom: secret + ":password::"},
			// The callback creates the app's role with its own password.
			{Name: dbspec.AppRolePasswordPlaceholder, ValueFrom: *props.DB.AppRoleSecretARN() + ":password::"},
		},
		LogConfiguration: ecscluster.AWSLogs(props.LogGroup, props.Region, "flyway"),
	}
	volumes := props.Hardening.Apply(&def)
	return ecscluster.ContainerDefinitions(def), volumes
}

// RunScript runs the Flyway task once and fails (so does the apply) unless
// it exits 0. It first checks the migration image exists and otherwise
// prints how to build it. It needs the AWS CLI and the deploy credentials.
// It is scripts/run-migrations.sh with the Flyway image filled in.
var RunScript = strings.ReplaceAll(runScript, "@FLYWAY_IMAGE@", dbspec.FlywayImage)

//go:embed scripts/run-migrations.sh
var runScript string

// validate reports every problem of the props at once.
func (p MigrationTaskProps) validate(check *propcheck.Errors) error {
	check.Ref("DB", p.DB)
	check.Missing("Repository", p.Repository == nil)
	check.Ref("Cluster", p.Cluster)
	check.Ref("Network", p.Network)
	check.Required("LogGroup", p.LogGroup)
	check.Required("Region", p.Region)
	p.Hardening.Check(check, "Hardening")
	if p.ImageDigest != "" && !ecscluster.IsDigest(p.ImageDigest) {
		check.Add("ImageDigest", p.ImageDigest, "must be sha256:<64 lowercase hex digits>")
	}
	if p.Cluster != nil && p.DB != nil {
		p.Cluster.CheckTask(check, p.LogGroup, "DB's secret", *p.DB.SecretARN(), "DB's app role secret", *p.DB.AppRoleSecretARN())
	}
	return check.Err()
}
