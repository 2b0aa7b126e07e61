package restservice

import (
	"maps"
	"slices"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
	"github.com/homecloud-dev/fullstack/naming"
)

// newTask adds the app's task role (with ECS Exec's channel when asked
// for) and its task definition.
func newTask(c constructs.Construct, s *Service, props Props) {
	// The app's own role, separate from the execution role: empty unless
	// ECS Exec needs its SSM channel.
	s.TaskRole = iamrole.NewIamRole(c, jsii.String(idTaskRole), &iamrole.IamRoleConfig{
		Name:             jsii.String(naming.AppTaskRole(props.Project, props.App).Value),
		AssumeRolePolicy: jsii.String(iampolicy.ServiceTrust("ecs-tasks.amazonaws.com").JSON()),
		Tags:             &map[string]*string{"app": jsii.String(props.App)},
	})
	if props.Exec {
		iamrolepolicy.NewIamRolePolicy(c, jsii.String(idTaskRolePolicy), &iamrolepolicy.IamRolePolicyConfig{
			Role: s.TaskRole.Id(),
			Name: jsii.String("ecs-exec"),
			// ssmmessages has no resource-level permissions.
			Policy: jsii.String(iampolicy.New(iampolicy.Allow("EcsExecChannel", []string{
				"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
			}, []string{"*"})).JSON()),
		})
	}
	defs, volumes := containerDefinitions(props)
	s.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String(idTaskDefinition), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  jsii.String(props.Project + "-" + props.App),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(strconv.Itoa(props.Size.CPU)),
		Memory:                  jsii.String(strconv.Itoa(props.Size.Memory)),
		ExecutionRoleArn:        props.Cluster.ExecutionRole.ARN(),
		TaskRoleArn:             s.TaskRole.Arn(),
		ContainerDefinitions:    jsii.String(defs),
		Volume:                  &volumes,
		Tags:                    &map[string]*string{"app": jsii.String(props.App)},
	})
}

// containerDefinitions is the app's container, locked down by
// p.Hardening, and the task volumes it mounts: the database credentials
// are the app role's, from its secret as ECS secrets, never plain values.
func containerDefinitions(p Props) (string, []*ecstaskdefinition.EcsTaskDefinitionVolume) {
	env := map[string]string{"PORT": strconv.Itoa(p.Port)}
	for k, v := range p.Env {
		env[k] = tfstring.Escape(v)
	}
	var secrets []ecscluster.Secret
	for _, name := range slices.Sorted(maps.Keys(p.Secrets)) {
		secrets = append(secrets, ecscluster.Secret{Name: name, ValueFrom: *p.Secrets[name]})
	}
	if db := p.Database; db != nil {
		// The app's own role, never the master user (dbspec.Spec.AppRole).
		secret := *db.AppRoleSecretARN()
		env["PGHOST"], env["PGPORT"], env["PGDATABASE"], env["PGSSLMODE"] = *db.Endpoint(), strconv.Itoa(network.PostgresPort), db.Spec().Database(), "require"
		secrets = append(secrets,
			ecscluster.Secret{Name: "PGUSER", ValueFrom: secret + ":username::"},
			ecscluster.Secret{Name: "PGPASSWORD", ValueFrom: secret + ":password::"},
		)
	}
	environment := make([]ecscluster.KeyValue, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		environment = append(environment, ecscluster.KeyValue{Name: k, Value: env[k]})
	}
	def := ecscluster.ContainerDefinition{
		Name:             p.App,
		Image:            imageRef(*p.Repository, p.ImageDigest, p.ImageTag),
		Essential:        true,
		PortMappings:     []ecscluster.PortMapping{{ContainerPort: p.Port, Protocol: "tcp"}},
		Environment:      environment,
		LogConfiguration: ecscluster.AWSLogs(p.LogGroup, p.Region, p.App),
		Secrets:          secrets,
	}
	if len(p.HealthCheckCommand) > 0 {
		h := healthspec.For(p.HealthCheckPath)
		def.HealthCheck = &ecscluster.HealthCheck{
			Command:  p.HealthCheckCommand,
			Interval: healthspec.Seconds(h.Interval), Timeout: healthspec.Seconds(h.Timeout),
			Retries: h.UnhealthyThreshold, StartPeriod: healthspec.Seconds(h.StartPeriod),
		}
	}
	hardening := p.Hardening
	if p.Exec {
		// The one exception: ECS Exec's agent writes its own paths.
		hardening = hardening.WithWritable(ecscluster.ExecAgentPaths...)
	}
	volumes := hardening.Apply(&def)
	return ecscluster.ContainerDefinitions(def), volumes
}
