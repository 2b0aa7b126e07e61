package restservice

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/network"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
	"github.com/homecloud-dev/fullstack/naming"
)

// CloudDatabase is how the app reaches its RDS database.
type CloudDatabase struct {
	// Endpoint (token) and Name of the database.
	Endpoint *string
	Name     string
	// SecretARN (token) of the RDS-managed secret; ECS injects its
	// username and password as PGUSER and PGPASSWORD.
	SecretARN *string
}

// CloudProps configures the cloud service.
type CloudProps struct {
	// Project and App name everything. Required.
	Project, App string
	// Port the container listens on and HealthCheckPath the load balancer
	// checks. Required.
	Port            int
	HealthCheckPath string
	// Env is the plain environment. Default none.
	Env map[string]string
	// Size is cpu, memory and task counts. Required (config fills it).
	Size config.Size
	// Repository (URL token) and ImageTag (a variable's token: CI passes
	// the git SHA) name the image. Required.
	Repository, ImageTag *string
	// Cluster (name token), ExecutionRoleARN and LogGroup come from the
	// cluster construct; Region is the log group's. Required.
	Cluster, ExecutionRoleARN *string
	LogGroup, Region          string
	// VPCID, SubnetIDs, SecurityGroupID and AssignPublicIP place the tasks
	// (from the network's NAT strategy). Required.
	VPCID, SecurityGroupID *string
	SubnetIDs              *[]*string
	AssignPublicIP         bool
	// Listener is the shared load balancer listener; Priority orders this
	// app's rule among the others (unique per listener); Route selects its
	// requests (empty: every request, as the lowest-priority rule).
	Listener lblistener.LbListener
	Priority int
	Route    config.Route
	// Origin, when the load balancer sits behind CloudFront, makes the
	// rule forward only requests carrying CloudFront's origin secret.
	// Default nil: the rule matches on Route alone.
	Origin *loadbalancer.Origin
	// Sites that serve this app under their /api/ get a rule each:
	// loadbalancer.SitePath with the site's loadbalancer.SiteHeader, at its
	// priority (unique per listener). Default none.
	Sites []SiteRule
	// Database is the app's RDS database. Default nil: none.
	Database *CloudDatabase
	// After must succeed before the service changes (its migrations).
	After []cdktf.ITerraformDependable
	// Exec enables ECS Exec. Default false.
	Exec bool
	// Secrets are the app's secrets: environment variable name => ARN of
	// the Secrets Manager secret ECS reads at task start (the execution
	// role must be allowed to). Default none.
	Secrets map[string]*string
	// Egress is what the tasks may reach besides the services group's
	// HTTPS and database rules: a security group of the app's own. Default
	// none.
	Egress []config.Egress
}

// SiteRule is a site that forwards its /api/ requests to the app.
type SiteRule struct {
	Site     string
	Priority int
}

// Cloud is an app's ECS service behind the shared load balancer.
type Cloud struct {
	constructs.Construct
	TaskRole       iamrole.IamRole
	TaskDefinition ecstaskdefinition.EcsTaskDefinition
	TargetGroup    lbtargetgroup.LbTargetGroup
	Rule           lblistenerrule.LbListenerRule
	Service        ecsservice.EcsService
	ScalingTarget  appautoscalingtarget.AppautoscalingTarget
	ScalingPolicy  appautoscalingpolicy.AppautoscalingPolicy
	// EgressGroup holds the app's declared egress; nil without any.
	EgressGroup securitygroup.SecurityGroup
}

const (
	idTaskRole       = "task-role"
	idTaskRolePolicy = "task-role-exec"
	idTaskDefinition = "task"
	idTargetGroup    = "target-group"
	idRule           = "rule"
	idService        = "service"
	idScalingTarget  = "scaling-target"
	idScalingPolicy  = "scaling-cpu"
	// CPUTarget is the average CPU utilisation autoscaling keeps.
	CPUTarget = 60
	// CatchAllPriority is the rule of a sole app with no route: last.
	CatchAllPriority = 50000
)

// NewCloud creates the app's task definition, target group, listener rule,
// service and CPU autoscaling.
func NewCloud(scope constructs.Construct, id string, props CloudProps) (*Cloud, error) {
	if err := props.validate(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Cloud{Construct: c}
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
	defs, err := containerDefinitions(props)
	if err != nil {
		return nil, fmt.Errorf("restservice.NewCloud %s: container definitions: %w", props.App, err)
	}
	s.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String(idTaskDefinition), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  jsii.String(props.Project + "-" + props.App),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(strconv.Itoa(props.Size.CPU)),
		Memory:                  jsii.String(strconv.Itoa(props.Size.Memory)),
		ExecutionRoleArn:        props.ExecutionRoleARN,
		TaskRoleArn:             s.TaskRole.Arn(),
		ContainerDefinitions:    jsii.String(defs),
		Tags:                    &map[string]*string{"app": jsii.String(props.App)},
	})
	s.TargetGroup = lbtargetgroup.NewLbTargetGroup(c, jsii.String(idTargetGroup), &lbtargetgroup.LbTargetGroupConfig{
		Name:                jsii.String(naming.AppTargetGroup(props.Project, props.App).Value),
		Port:                jsii.Number(float64(props.Port)),
		Protocol:            jsii.String("HTTP"),
		TargetType:          jsii.String("ip"),
		VpcId:               props.VPCID,
		DeregistrationDelay: jsii.String("30"),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled: jsii.Bool(true), Path: jsii.String(props.HealthCheckPath), Matcher: jsii.String("200-399"),
			Interval: jsii.Number(15), Timeout: jsii.Number(5), HealthyThreshold: jsii.Number(2), UnhealthyThreshold: jsii.Number(3),
		},
		Tags: &map[string]*string{"app": jsii.String(props.App)},
	})
	s.Rule = lblistenerrule.NewLbListenerRule(c, jsii.String(idRule), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: props.Listener.Arn(),
		Priority:    jsii.Number(float64(props.Priority)),
		Action:      &[]*lblistenerrule.LbListenerRuleAction{{Type: jsii.String("forward"), TargetGroupArn: s.TargetGroup.Arn()}},
		Condition:   conditions(props.Route, props.Origin),
		Tags:        &map[string]*string{"app": jsii.String(props.App)},
	})
	groups := []*string{props.SecurityGroupID}
	if s.EgressGroup = newEgressGroup(c, props); s.EgressGroup != nil {
		groups = append(groups, s.EgressGroup.Id())
	}
	publicIP := props.AssignPublicIP
	deps := append([]cdktf.ITerraformDependable{s.Rule}, props.After...)
	for _, site := range props.Sites {
		conds := append(*conditions(config.Route{Path: loadbalancer.SitePath}, props.Origin),
			&lblistenerrule.LbListenerRuleCondition{HttpHeader: &lblistenerrule.LbListenerRuleConditionHttpHeader{
				HttpHeaderName: jsii.String(loadbalancer.SiteHeader), Values: jsii.Strings(site.Site),
			}})
		rule := lblistenerrule.NewLbListenerRule(c, jsii.String(idRule+"-site-"+site.Site), &lblistenerrule.LbListenerRuleConfig{
			ListenerArn: props.Listener.Arn(),
			Priority:    jsii.Number(float64(site.Priority)),
			Action:      &[]*lblistenerrule.LbListenerRuleAction{{Type: jsii.String("forward"), TargetGroupArn: s.TargetGroup.Arn()}},
			Condition:   &conds,
			Tags:        &map[string]*string{"app": jsii.String(props.App), "site": jsii.String(site.Site)},
		})
		deps = append(deps, rule)
	}
	s.Service = ecsservice.NewEcsService(c, jsii.String(idService), &ecsservice.EcsServiceConfig{
		Name:           jsii.String(props.App),
		Cluster:        props.Cluster,
		TaskDefinition: s.TaskDefinition.Arn(),
		DesiredCount:   jsii.Number(float64(props.Size.DesiredCount)),
		LaunchType:     jsii.String("FARGATE"),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets: props.SubnetIDs, SecurityGroups: &groups, AssignPublicIp: jsii.Bool(publicIP),
		},
		LoadBalancer: &[]*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: s.TargetGroup.Arn(), ContainerName: jsii.String(props.App), ContainerPort: jsii.Number(float64(props.Port)),
		}},
		// A deployment whose tasks never turn healthy rolls back by itself.
		DeploymentCircuitBreaker:        &ecsservice.EcsServiceDeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		DeploymentMinimumHealthyPercent: jsii.Number(100),
		DeploymentMaximumPercent:        jsii.Number(200),
		HealthCheckGracePeriodSeconds:   jsii.Number(60),
		EnableExecuteCommand:            jsii.Bool(props.Exec),
		PropagateTags:                   jsii.String("SERVICE"),
		Tags:                            &map[string]*string{"app": jsii.String(props.App)},
		DependsOn:                       &deps,
		// Autoscaling owns the running count after the first deploy.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("desired_count")},
	})
	resourceID := "service/" + *props.Cluster + "/" + *s.Service.Name()
	s.ScalingTarget = appautoscalingtarget.NewAppautoscalingTarget(c, jsii.String(idScalingTarget), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  jsii.String("ecs"),
		ResourceId:        jsii.String(resourceID),
		ScalableDimension: jsii.String("ecs:service:DesiredCount"),
		MinCapacity:       jsii.Number(float64(props.Size.MinCount)),
		MaxCapacity:       jsii.Number(float64(props.Size.MaxCount)),
		Tags:              &map[string]*string{"app": jsii.String(props.App)},
	})
	s.ScalingPolicy = appautoscalingpolicy.NewAppautoscalingPolicy(c, jsii.String(idScalingPolicy), &appautoscalingpolicy.AppautoscalingPolicyConfig{
		Name:              jsii.String(props.Project + "-" + props.App + "-cpu"),
		PolicyType:        jsii.String("TargetTrackingScaling"),
		ServiceNamespace:  s.ScalingTarget.ServiceNamespace(),
		ResourceId:        s.ScalingTarget.ResourceId(),
		ScalableDimension: s.ScalingTarget.ScalableDimension(),
		TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
			TargetValue: jsii.Number(CPUTarget),
			PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: jsii.String("ECSServiceAverageCPUUtilization"),
			},
			ScaleInCooldown:  jsii.Number(300),
			ScaleOutCooldown: jsii.Number(60),
		},
	})
	return s, nil
}

// conditions turns a route into listener rule conditions; an empty route
// matches every path. Behind CloudFront the origin secret is one more.
func conditions(r config.Route, origin *loadbalancer.Origin) *[]*lblistenerrule.LbListenerRuleCondition {
	var out []*lblistenerrule.LbListenerRuleCondition
	if origin != nil {
		out = append(out, &lblistenerrule.LbListenerRuleCondition{HttpHeader: &lblistenerrule.LbListenerRuleConditionHttpHeader{
			HttpHeaderName: jsii.String(origin.Header), Values: &[]*string{origin.Secret},
		}})
	}
	if r.Host != "" {
		out = append(out, &lblistenerrule.LbListenerRuleCondition{HostHeader: &lblistenerrule.LbListenerRuleConditionHostHeader{Values: jsii.Strings(r.Host)}})
	}
	path := r.Path
	if r.Host == "" && path == "" {
		path = "/*"
	}
	if path != "" {
		out = append(out, &lblistenerrule.LbListenerRuleCondition{PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: jsii.Strings(path)}})
	}
	return &out
}

func sortedNames(m map[string]*string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// containerDefinitions is the app's container: the database credentials
// come from the RDS-managed secret as ECS secrets, never as plain values.
func containerDefinitions(p CloudProps) (string, error) {
	env := map[string]string{"PORT": strconv.Itoa(p.Port)}
	for k, v := range p.Env {
		env[k] = tfstring.Escape(v)
	}
	var secrets []map[string]string
	for _, name := range sortedNames(p.Secrets) {
		secrets = append(secrets, map[string]string{"name": name, "valueFrom": *p.Secrets[name]})
	}
	if db := p.Database; db != nil {
		env["PGHOST"], env["PGPORT"], env["PGDATABASE"], env["PGSSLMODE"] = *db.Endpoint, strconv.Itoa(network.PostgresPort), db.Name, "require"
		secrets = append(secrets,
			map[string]string{"name": "PGUSER", "valueFrom": *db.SecretARN + ":username::"},
			map[string]string{"name": "PGPASSWORD", "valueFrom": *db.SecretARN + ":password::"},
		)
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	environment := make([]map[string]string, len(keys))
	for i, k := range keys {
		environment[i] = map[string]string{"name": k, "value": env[k]}
	}
	def := map[string]any{
		"name":         p.App,
		"image":        *p.Repository + ":" + *p.ImageTag,
		"essential":    true,
		"portMappings": []map[string]any{{"containerPort": p.Port, "protocol": "tcp"}},
		"environment":  environment,
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options":   map[string]string{"awslogs-group": p.LogGroup, "awslogs-region": p.Region, "awslogs-stream-prefix": p.App},
		},
		"readonlyRootFilesystem": false,
	}
	if len(secrets) > 0 {
		def["secrets"] = secrets
	}
	b, err := json.Marshal([]any{def})
	return string(b), err
}

func (p CloudProps) validate() error {
	var errs []error
	if p.Project == "" || p.App == "" {
		errs = append(errs, errors.New("restservice.NewCloud: Project and App are required"))
	}
	if p.Repository == nil || p.ImageTag == nil || p.Cluster == nil || p.ExecutionRoleARN == nil ||
		p.VPCID == nil || p.SecurityGroupID == nil || p.SubnetIDs == nil || p.Listener == nil {
		errs = append(errs, errors.New("restservice.NewCloud: Repository, ImageTag, Cluster, ExecutionRoleARN, VPCID, SubnetIDs, SecurityGroupID and Listener are required"))
	}
	if !strings.HasPrefix(p.HealthCheckPath, "/") {
		errs = append(errs, fmt.Errorf("restservice.NewCloud: HealthCheckPath %q must start with '/'", p.HealthCheckPath))
	}
	if p.Priority < 1 || p.Priority > CatchAllPriority {
		errs = append(errs, fmt.Errorf("restservice.NewCloud: Priority %d is outside 1-%d", p.Priority, CatchAllPriority))
	}
	if s := p.Size; s.MinCount > s.MaxCount || s.CPU == 0 || s.Memory == 0 {
		errs = append(errs, fmt.Errorf("restservice.NewCloud: Size %+v: cpu and memory are required and min_count <= max_count", s))
	}
	return errors.Join(errs...)
}
