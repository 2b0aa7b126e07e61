package restservice

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/naming"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Props configures the cloud service.
type Props struct {
	// Project and App name everything. Required.
	Project, App string
	// Port the container listens on and HealthCheckPath the load balancer
	// checks. Required.
	Port            int
	HealthCheckPath string
	// Env is the plain environment. Default none.
	Env map[string]string
	// Size is cpu, memory and task counts. Zero fields take DefaultSize's.
	Size Size
	// Repository (URL token) names the image's repository. Required.
	Repository *string
	// ImageDigest (sha256:<hex>) names the image by digest: a release's,
	// the image staging proved (release.Manifest). Default "": ImageTag.
	ImageDigest string
	// ImageTag (a variable's token) names the image by tag when there is no
	// ImageDigest. Required without ImageDigest.
	ImageTag *string
	// Cluster runs the service with its execution role. Required.
	Cluster *ecscluster.Cluster
	// LogGroup is the app's log group (one of the cluster's Logs).
	// Default naming.AppLogGroup(Project, App): /<project>/<app>.
	LogGroup string
	// Region is the log group's. Default: the Network's.
	Region string
	// Network places the tasks: its service subnets (private behind NAT or
	// public without), the services security group, a public IP only when
	// there is no NAT. Required.
	Network *network.Network
	// LoadBalancer forwards the app's requests: a rule on its listener
	// that, behind CloudFront, also requires the origin secret. Required.
	LoadBalancer *loadbalancer.LoadBalancer
	// Priority orders this app's rule on the listener (1-
	// loadbalancer.CatchAllPriority, unique per listener). Default 0: the
	// load balancer assigns the next free one (NextAppPriority), or
	// loadbalancer.CatchAllPriority when Route is empty.
	Priority int
	// Route selects the app's requests. Default empty: every request, as
	// the lowest-priority rule.
	Route Route
	// Sites that serve this app under their /api/ get a rule each:
	// loadbalancer.SitePath with the site's loadbalancer.OriginHeader, at its
	// priority (unique per listener). Default none.
	Sites []SiteRule
	// Database is the app's RDS database: the container gets libpq's PG*
	// variables, with PGUSER and PGPASSWORD injected by ECS from the app
	// role's secret (Database.AppRoleSecret). Default nil: none.
	Database *appdatabase.Database
	// After must succeed before the service changes (its migration run).
	// Default none.
	After []cdktf.ITerraformDependable
	// Exec enables ECS Exec. Default false.
	Exec bool
	// Secrets are the app's secrets: environment variable name => ARN of
	// the Secrets Manager secret ECS reads at task start (the execution
	// role must be allowed to). Default none.
	Secrets map[string]*string
	// Hardening locks the container down: read-only root with
	// Hardening.WritablePaths as task volumes, a non-root Hardening.User,
	// every capability dropped, an init process. Default: /tmp writable,
	// ecscluster.NonRootUser.
	Hardening ecscluster.Hardening
	// HealthCheckCommand is the container's own health check, in Docker's
	// exec form ("CMD", ...) or ("CMD-SHELL", "..."), with healthspec's
	// timings: ECS replaces a task that fails it even between load
	// balancer checks. Default none: the load balancer's check only.
	HealthCheckCommand []string
	// Egress is what the tasks may reach besides the services group's
	// HTTPS and database rules: a security group of the app's own. Default
	// none.
	Egress []Egress
}

// Size is a service's task size and counts (awsrules.TaskSize).
type Size = awsrules.TaskSize

// DefaultSize is the smallest Fargate task, one running, up to two.
var DefaultSize = awsrules.DefaultTaskSize

// Route is a listener rule's match: host and/or path pattern
// (awsrules.Route).
type Route = awsrules.Route

// Egress is one outbound rule of the app's own security group
// (awsrules.Egress).
type Egress = awsrules.Egress

// SiteRule is a site that forwards its /api/ requests to the app.
type SiteRule struct {
	// Site sends its /api/* to the same load balancer, naming itself in
	// loadbalancer.OriginHeader (clientsite.Props.API). Required.
	Site *clientsite.Site
	// Priority of the site's rule. Default 0: the load balancer assigns
	// the next free one (NextSitePriority).
	Priority int
}

// Service is an app's ECS service behind the shared load balancer.
type Service struct {
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
)

// New creates the app's task definition, target group, listener rule,
// service and CPU autoscaling.
func New(scope constructs.Construct, id string, props Props) (*Service, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	props.LoadBalancer.ClaimPriority(props.Priority)
	props.LoadBalancer.ClaimRoute(props.Route.Host, props.Route.Path, props.App)
	for _, site := range props.Sites {
		props.LoadBalancer.ClaimPriority(site.Priority)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Service{Construct: c}
	health := healthspec.For(props.HealthCheckPath)
	newTask(c, s, props)
	deps := append(newRouting(c, s, props, health), props.After...)
	groups := []*string{props.Network.SecurityGroups.Services.Id()}
	if s.EgressGroup = newEgressGroup(c, props); s.EgressGroup != nil {
		groups = append(groups, s.EgressGroup.Id())
	}
	publicIP := props.Network.AssignPublicIP()
	s.Service = ecsservice.NewEcsService(c, jsii.String(idService), &ecsservice.EcsServiceConfig{
		Name:           jsii.String(props.App),
		Cluster:        props.Cluster.Name(),
		TaskDefinition: s.TaskDefinition.Arn(),
		DesiredCount:   jsii.Number(float64(props.Size.DesiredCount)),
		LaunchType:     jsii.String("FARGATE"),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets: props.Network.ServiceSubnetIDs(), SecurityGroups: &groups, AssignPublicIp: jsii.Bool(publicIP),
		},
		LoadBalancer: &[]*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: s.TargetGroup.Arn(), ContainerName: jsii.String(props.App), ContainerPort: jsii.Number(float64(props.Port)),
		}},
		// A deployment whose tasks never turn healthy rolls back by itself.
		DeploymentCircuitBreaker:        &ecsservice.EcsServiceDeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		DeploymentMinimumHealthyPercent: jsii.Number(100),
		DeploymentMaximumPercent:        jsii.Number(200),
		HealthCheckGracePeriodSeconds:   jsii.Number(float64(healthspec.Seconds(health.StartPeriod))),
		EnableExecuteCommand:            jsii.Bool(props.Exec),
		PropagateTags:                   jsii.String("SERVICE"),
		Tags:                            &map[string]*string{"app": jsii.String(props.App)},
		DependsOn:                       &deps,
		// Autoscaling owns the running count after the first deploy.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("desired_count")},
	})
	newScaling(c, s, props)
	return s, nil
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.LogGroup == "" && p.Project != "" && p.App != "" {
		p.LogGroup = naming.AppLogGroup(p.Project, p.App).Value
	}
	if p.Region == "" && p.Network != nil {
		p.Region = p.Network.Region()
	}
	if lb := p.LoadBalancer; lb != nil {
		if p.Priority == 0 && p.Route == (Route{}) {
			p.Priority = loadbalancer.CatchAllPriority
		} else if p.Priority == 0 {
			p.Priority = lb.NextAppPriority()
		}
		sites := make([]SiteRule, len(p.Sites))
		var chosen []int
		for i, s := range p.Sites {
			if s.Priority == 0 {
				s.Priority = lb.NextSitePriority(chosen...)
			}
			chosen = append(chosen, s.Priority)
			sites[i] = s
		}
		p.Sites = sites
	}
	d := DefaultSize
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&p.Size.CPU, d.CPU}, {&p.Size.Memory, d.Memory}, {&p.Size.DesiredCount, d.DesiredCount},
		{&p.Size.MinCount, d.MinCount}, {&p.Size.MaxCount, d.MaxCount},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	for i := range p.Egress {
		if p.Egress[i].Protocol == "" {
			p.Egress[i].Protocol = awsrules.DefaultEgressProtocol
		}
	}
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	check.Missing("Repository", p.Repository == nil)
	if p.ImageDigest == "" {
		check.Missing("ImageTag", p.ImageTag == nil)
	} else if !ecscluster.IsDigest(p.ImageDigest) {
		check.Add("ImageDigest", p.ImageDigest, "must be sha256:<64 lowercase hex digits>")
	}
	check.Ref("Cluster", p.Cluster)
	check.Ref("Network", p.Network)
	check.Ref("LoadBalancer", p.LoadBalancer)
	check.OptionalRef("Database", p.Database)
	check.Dependencies("After", p.After)
	check.Required("LogGroup", p.LogGroup)
	if p.Cluster != nil {
		var secrets []string
		for _, name := range slices.Sorted(maps.Keys(p.Secrets)) {
			secrets = append(secrets, "Secrets["+name+"]", *p.Secrets[name])
		}
		if p.Database != nil {
			secrets = append(secrets, "Database's app role secret", *p.Database.AppRoleSecretARN())
		}
		p.Cluster.CheckTask(check, p.LogGroup, secrets...)
	}
	check.Required("Region", p.Region)
	check.Port("Port", p.Port)
	p.Hardening.Check(check, "Hardening")
	if c := p.HealthCheckCommand; len(c) > 0 && (len(c) < 2 || (c[0] != "CMD" && c[0] != "CMD-SHELL")) {
		check.Add("HealthCheckCommand", strings.Join(c, " "), `must start with "CMD" (exec form) or "CMD-SHELL", followed by the command`)
	}
	if !strings.HasPrefix(p.HealthCheckPath, "/") {
		check.Add("HealthCheckPath", p.HealthCheckPath, "must start with '/'")
	}
	if p.LoadBalancer != nil {
		// A route another service holds is the user's problem to name; the
		// priority it would then collide on is only a consequence.
		if owner, taken := p.LoadBalancer.RouteOwner(p.Route.Host, p.Route.Path); taken {
			if p.Route == (Route{}) {
				check.Add("Route", "(none)", "is empty, but the service of app %q already has no route on this load balancer: a service without a route takes every request no other rule matches, and only one can; give this one a Route.Host or Route.Path", owner)
			} else {
				check.Add("Route", p.Route.Describe(), "is the route of app %q's service on this load balancer already: this one would never receive a request; give it its own Route.Host or Route.Path", owner)
			}
		} else if err := p.LoadBalancer.CheckPriority(p.Priority); err != nil {
			check.Add("Priority", p.Priority, "%v", err)
		}
		mine := map[int]bool{p.Priority: true}
		for i, s := range p.Sites {
			check.Ref(fmt.Sprintf("Sites[%d].Site", i), s.Site)
			if s.Site != nil && s.Site.API() != p.LoadBalancer {
				check.Add(fmt.Sprintf("Sites[%d].Site", i), s.Site.App(), "does not send /api/ to this service's load balancer: create it with clientsite.Props.API set to it")
			}
			if err := p.LoadBalancer.CheckPriority(s.Priority); err != nil {
				check.Add(fmt.Sprintf("Sites[%d].Priority", i), s.Priority, "%v", err)
			} else if mine[s.Priority] {
				check.Add(fmt.Sprintf("Sites[%d].Priority", i), s.Priority, "is used twice by this service")
			}
			mine[s.Priority] = true
		}
	}
	s := p.Size
	if !slices.Contains(awsrules.FargateCPUs, s.CPU) {
		check.Add("Size.CPU", s.CPU, "is not a Fargate CPU value (%v)", awsrules.FargateCPUs)
	} else if ok, from, to := awsrules.FargateMemory(s.CPU, s.Memory); !ok {
		check.Add("Size.Memory", s.Memory, "is not a Fargate memory size for %d CPU units (%d-%d MiB)", s.CPU, from, to)
	}
	if s.MinCount > s.MaxCount {
		check.Add("Size.MinCount", s.MinCount, "must not exceed Size.MaxCount (%d)", s.MaxCount)
	}
	for i, e := range p.Egress {
		propcheck.OneOf(check, fmt.Sprintf("Egress[%d].Protocol", i), e.Protocol, "tcp", "udp")
		check.Port(fmt.Sprintf("Egress[%d].Port", i), e.Port)
		check.Required(fmt.Sprintf("Egress[%d].To", i), e.To)
	}
	return check.Err()
}

// imageRef is repository@digest for a release, else repository:tag.
func imageRef(repository, digest string, tag *string) string {
	if digest != "" {
		return repository + "@" + digest
	}
	return repository + ":" + *tag
}
