package loadbalancer

import (
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/accesslogs"
)

// Props configures the load balancer.
type Props struct {
	// Name of the load balancer (at most 32 chars) and of its VPC origin.
	// Required.
	Name string
	// Network places the load balancer in its private subnets, in its load
	// balancer security group (whose ingress rule this construct adds).
	// Required.
	Network *network.Network
	// AccessLogs is the bucket the load balancer writes its access logs to
	// (prefix accesslogs.LoadBalancerPrefix). Default nil: no access logs.
	AccessLogs *accesslogs.AccessLogs
}

// LoadBalancer is the ALB, its listener and CloudFront's way in.
type LoadBalancer struct {
	constructs.Construct
	LB lb.Lb
	// Listener is where services add their rules (HTTP, port 80: the
	// traffic is CloudFront's, inside the VPC).
	Listener lblistener.LbListener
	// Origin is CloudFront's access: the VPC origin and the ingress rule
	// that admits it alone.
	Origin *Origin
	// taken are the listener rule priorities in use, routes the host and
	// path patterns, by app (priorities.go).
	taken  map[int]bool
	routes map[string]string
}

const (
	idLB   = "alb"
	idHTTP = "http"
)

// New creates the load balancer under scope.
func New(scope constructs.Construct, id string, props Props) (*LoadBalancer, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &LoadBalancer{Construct: c}
	l.LB = lb.NewLb(c, jsii.String(idLB), &lb.LbConfig{
		Name:             jsii.String(props.Name),
		LoadBalancerType: jsii.String("application"),
		Internal:         jsii.Bool(true),
		Subnets:          props.Network.PrivateSubnetIDs(),
		SecurityGroups:   &[]*string{props.Network.SecurityGroups.LoadBalancer.Id()},
		// Malformed headers are dropped rather than passed to the apps.
		DropInvalidHeaderFields: jsii.Bool(true),
		IdleTimeout:             jsii.Number(60),
		AccessLogs:              accessLogs(props.AccessLogs),
		DependsOn:               dependsOn(props.AccessLogs),
	})
	l.Listener = lblistener.NewLbListener(c, jsii.String(idHTTP), &lblistener.LbListenerConfig{
		LoadBalancerArn: l.LB.Arn(), Port: jsii.Number(80), Protocol: jsii.String("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("fixed-response"), FixedResponse: &lblistener.LbListenerDefaultActionFixedResponse{
			ContentType: jsii.String("text/plain"), MessageBody: jsii.String("not found"), StatusCode: jsii.String("404"),
		}}},
	})
	l.Origin = newOrigin(c, props.Name, l.LB, props.Network)
	return l, nil
}

func accessLogs(l *accesslogs.AccessLogs) *lb.LbAccessLogs {
	if l == nil {
		return nil
	}
	return &lb.LbAccessLogs{Bucket: l.Bucket.Id(), Prefix: jsii.String(accesslogs.LoadBalancerPrefix), Enabled: jsii.Bool(true)}
}

// dependsOn waits for the log bucket's policy: AWS checks it when logging
// is turned on.
func dependsOn(l *accesslogs.AccessLogs) *[]cdktf.ITerraformDependable {
	if l == nil {
		return nil
	}
	deps := l.DependsOn()
	return &deps
}

// DNSName is the load balancer's internal DNS name token (resolvable
// inside the VPC only).
func (l *LoadBalancer) DNSName() *string { return l.LB.DnsName() }

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Name", p.Name)
	check.Ref("Network", p.Network)
	return check.Err()
}
