package ecscluster

import (
	"fmt"
	"slices"

	"github.com/homecloud-dev/fullstack/awsrules"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsclustercapacityproviders"

	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// AppLog names one app's log group.
type AppLog struct {
	// App is the app name (the map key of Cluster.LogGroups). Required.
	App string
	// Name of the log group. Required.
	Name string
}

// DefaultLogRetentionDays is how long logs are kept when Props leaves it 0.
const DefaultLogRetentionDays = awsrules.DefaultLogRetentionDays

// Props configures the cluster.
type Props struct {
	// Name of the cluster. Required.
	Name string
	// ExecutionRoleName is the task execution role's name. Required.
	ExecutionRoleName string
	// Logs are the apps' log groups. Default none.
	Logs []AppLog
	// LogRetentionDays of every app log group. Default 30.
	LogRetentionDays int
	// RepositoryARNs the execution role may pull from. Default none.
	RepositoryARNs []string
	// SecretARNs the execution role may read (injected as ECS secrets).
	// Default none.
	SecretARNs []string
	// KMSKeyARN encrypts the log groups with a customer-managed key, and
	// lets the execution role decrypt secrets encrypted with it. Default
	// empty: CloudWatch's own encryption.
	KMSKeyARN string
}

// Cluster is the ECS cluster, its log groups and its execution role.
type Cluster struct {
	constructs.Construct
	Cluster       ecscluster.EcsCluster
	ExecutionRole *ExecutionRole
	// LogGroups by app name.
	LogGroups map[string]cloudwatchloggroup.CloudwatchLogGroup
	// logNames and secrets are what the execution role was granted: the
	// log group names and the secret ARNs (tokens) of Props.
	logNames, secrets map[string]bool
}

const (
	idCluster           = "cluster"
	idCapacityProviders = "capacity-providers"
	idLogGroup          = "log-group-" // + app
)

// New creates the cluster under scope.
func New(scope constructs.Construct, id string, props Props) (*Cluster, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	cl := &Cluster{Construct: c, LogGroups: map[string]cloudwatchloggroup.CloudwatchLogGroup{}, logNames: map[string]bool{}, secrets: map[string]bool{}}
	for _, arn := range props.SecretARNs {
		cl.secrets[arn] = true
	}
	cl.Cluster = ecscluster.NewEcsCluster(c, jsii.String(idCluster), &ecscluster.EcsClusterConfig{
		Name:    jsii.String(props.Name),
		Setting: &[]*ecscluster.EcsClusterSetting{{Name: jsii.String("containerInsights"), Value: jsii.String("enabled")}},
	})
	// On-demand Fargate by default; services may opt into Spot.
	ecsclustercapacityproviders.NewEcsClusterCapacityProviders(c, jsii.String(idCapacityProviders), &ecsclustercapacityproviders.EcsClusterCapacityProvidersConfig{
		ClusterName:       cl.Cluster.Name(),
		CapacityProviders: jsii.Strings("FARGATE", "FARGATE_SPOT"),
		DefaultCapacityProviderStrategy: &[]*ecsclustercapacityproviders.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy{
			{CapacityProvider: jsii.String("FARGATE"), Base: jsii.Number(0), Weight: jsii.Number(1)},
		},
	})
	var logARNs []string
	for _, l := range props.Logs {
		g := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String(idLogGroup+l.App), &cloudwatchloggroup.CloudwatchLogGroupConfig{
			Name:            jsii.String(l.Name),
			RetentionInDays: jsii.Number(float64(props.LogRetentionDays)),
			KmsKeyId:        tfstring.OrNil(props.KMSKeyARN),
			Tags:            &map[string]*string{"app": jsii.String(l.App)},
		})
		cl.LogGroups[l.App] = g
		cl.logNames[l.Name] = true
		logARNs = append(logARNs, *g.Arn())
	}
	cl.ExecutionRole = newExecutionRole(c, props.ExecutionRoleName, executionGrants{
		repositories: props.RepositoryARNs, logGroups: logARNs, secrets: props.SecretARNs, key: props.KMSKeyARN,
	})
	return cl, nil
}

// CheckTask records on check what a task run by this cluster would fail
// on in AWS, where the emulator lets it pass: a log group (field
// LogGroup) the cluster does not have, a secret (field, ARN) its execution
// role may not read. secrets are field names and secret ARNs, in pairs.
func (c *Cluster) CheckTask(check *propcheck.Errors, logGroup string, secrets ...string) {
	if logGroup != "" && !c.logNames[logGroup] {
		check.Add("LogGroup", logGroup, "is not one of the cluster's log groups: add it to ecscluster.Props.Logs (ECS cannot start a task whose awslogs group is missing)")
	}
	for i := 0; i+1 < len(secrets); i += 2 {
		if !c.secrets[secrets[i+1]] {
			check.Add(secrets[i], secrets[i+1], "is a secret the cluster's execution role may not read: add it to ecscluster.Props.SecretARNs (ECS cannot start the task without it)")
		}
	}
}

// Name is the cluster name token.
func (c *Cluster) Name() *string { return c.Cluster.Name() }

// ARN is the cluster ARN token.
func (c *Cluster) ARN() *string { return c.Cluster.Arn() }

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Name", p.Name)
	check.Required("ExecutionRoleName", p.ExecutionRoleName)
	if !slices.Contains(awsrules.LogRetentionDays, p.LogRetentionDays) {
		check.Add("LogRetentionDays", p.LogRetentionDays, "is not a value CloudWatch accepts")
	}
	for i, l := range p.Logs {
		check.Required(fmt.Sprintf("Logs[%d].App", i), l.App)
		check.Required(fmt.Sprintf("Logs[%d].Name", i), l.Name)
	}
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = DefaultLogRetentionDays
	}
}
