package loadbalancer

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/accesslogs"
)

// TLSPolicy accepts TLS 1.2 and 1.3 only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// Props configures the load balancer.
type Props struct {
	// Name of the load balancer (at most 32 chars). Required.
	Name string
	// Network places the load balancer in its public subnets, in its load
	// balancer security group (whose ingress rules this construct adds).
	// Required.
	Network *network.Network
	// CertificateARN enables HTTPS: the internet reaches the load balancer
	// on 443 (TLS 1.2+) and 80 (redirected). Default empty: the load balancer
	// is an origin of CloudFront only; clients use CloudFront's HTTPS, and
	// the load balancer admits CloudFront's origin-facing addresses on port
	// 80 carrying the origin secret header (see origin.go).
	CertificateARN string
	// AccessLogs is the bucket the load balancer writes its access logs to
	// (prefix accesslogs.LoadBalancerPrefix). Default nil: no access logs.
	AccessLogs *accesslogs.AccessLogs
}

// LoadBalancer is the ALB and its listeners.
type LoadBalancer struct {
	constructs.Construct
	LB   lb.Lb
	HTTP lblistener.LbListener
	// HTTPS is nil without a certificate.
	HTTPS lblistener.LbListener
	// Listener is where services add their rules: HTTPS when there is a
	// certificate (HTTP only redirects), else HTTP.
	Listener lblistener.LbListener
	// Origin is CloudFront's access to a load balancer without a
	// certificate; nil with one.
	Origin *Origin
	scheme string
	// taken are the listener rule priorities in use (priorities.go).
	taken map[int]bool
}

const (
	idLB    = "alb"
	idHTTP  = "http"
	idHTTPS = "https"
	// idInternetIn + "-" + port: the internet's ingress rules with a certificate.
	idInternetIn = "internet-in"
)

// New creates the load balancer under scope.
func New(scope constructs.Construct, id string, props Props) (*LoadBalancer, error) {
	check := propcheck.For(scope, id)
	check.Required("Name", props.Name)
	check.Ref("Network", props.Network)
	if err := check.Err(); err != nil {
		return nil, err
	}
	sg := props.Network.SecurityGroups.LoadBalancer.Id()
	c := constructs.NewConstruct(scope, jsii.String(id))
	l := &LoadBalancer{Construct: c, scheme: "http"}
	l.LB = lb.NewLb(c, jsii.String(idLB), &lb.LbConfig{
		Name:             jsii.String(props.Name),
		LoadBalancerType: jsii.String("application"),
		Internal:         jsii.Bool(false),
		Subnets:          props.Network.PublicSubnetIDs(),
		SecurityGroups:   &[]*string{sg},
		// Malformed headers are dropped rather than passed to the apps.
		DropInvalidHeaderFields: jsii.Bool(true),
		IdleTimeout:             jsii.Number(60),
		AccessLogs:              accessLogs(props.AccessLogs),
		DependsOn:               dependsOn(props.AccessLogs),
	})
	notFound := &lblistener.LbListenerDefaultActionFixedResponse{
		ContentType: jsii.String("text/plain"), MessageBody: jsii.String("not found"), StatusCode: jsii.String("404"),
	}
	if props.CertificateARN == "" {
		l.Origin = newOrigin(c, sg)
		l.HTTP = lblistener.NewLbListener(c, jsii.String(idHTTP), &lblistener.LbListenerConfig{
			LoadBalancerArn: l.LB.Arn(), Port: jsii.Number(80), Protocol: jsii.String("HTTP"),
			DefaultAction: &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("fixed-response"), FixedResponse: notFound}},
		})
		l.Listener = l.HTTP
		return l, nil
	}
	l.scheme = "https"
	for _, port := range []int{80, 443} {
		securitygrouprule.NewSecurityGroupRule(c, jsii.String(fmt.Sprintf("%s-%d", idInternetIn, port)), &securitygrouprule.SecurityGroupRuleConfig{
			SecurityGroupId: sg, Type: jsii.String("ingress"), Protocol: jsii.String("tcp"),
			FromPort: jsii.Number(float64(port)), ToPort: jsii.Number(float64(port)),
			CidrBlocks:  jsii.Strings("0.0.0.0/0"),
			Description: jsii.String(fmt.Sprintf("port %d from the internet", port)),
		})
	}
	l.HTTPS = lblistener.NewLbListener(c, jsii.String(idHTTPS), &lblistener.LbListenerConfig{
		LoadBalancerArn: l.LB.Arn(), Port: jsii.Number(443), Protocol: jsii.String("HTTPS"),
		SslPolicy: jsii.String(TLSPolicy), CertificateArn: jsii.String(props.CertificateARN),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("fixed-response"), FixedResponse: notFound}},
	})
	l.HTTP = lblistener.NewLbListener(c, jsii.String(idHTTP), &lblistener.LbListenerConfig{
		LoadBalancerArn: l.LB.Arn(), Port: jsii.Number(80), Protocol: jsii.String("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
			Type: jsii.String("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol: jsii.String("HTTPS"), Port: jsii.String("443"), StatusCode: jsii.String("HTTP_301"),
			},
		}},
	})
	l.Listener = l.HTTPS
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

// URL is the load balancer's base URL token (scheme and DNS name). Without
// a certificate only CloudFront reaches it.
func (l *LoadBalancer) URL() string { return l.scheme + "://" + *l.LB.DnsName() }
