package network

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/homecloud-dev/fullstack/awsrules"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/naming"
)

// NATStrategy is the network's NAT layout (awsrules owns the layouts).
type NATStrategy = awsrules.NATStrategy

// The NAT layouts; see awsrules.
const (
	NATNone   = awsrules.NATNone
	NATSingle = awsrules.NATSingle
	NATPerAZ  = awsrules.NATPerAZ
)

// DefaultFlowLogRetentionDays is how long flow logs are kept when Props leaves it 0.
const DefaultFlowLogRetentionDays = awsrules.DefaultLogRetentionDays

// NATStrategies are the accepted layouts.
var NATStrategies = awsrules.NATStrategies

// Props configures the network.
type Props struct {
	// CIDR is the VPC address range, /16 to /24. Required.
	CIDR string
	// Name prefixes the Name tag of every network resource. Required.
	Name string
	// Zones are the availability zones, at least 2. Required.
	Zones []string
	// NAT is the NAT layout. Default NATNone (the cheapest; see NATStrategy).
	NAT NATStrategy
	// ServicePorts are the container ports services listen on; the
	// load balancer may reach services on these ports only. Default none.
	ServicePorts []int
	// FlowLogs enables VPC flow logs to CloudWatch. Default false.
	FlowLogs bool
	// FlowLogRetentionDays of the flow log group. Default 30.
	FlowLogRetentionDays int
	// Region names the VPC endpoint services (com.amazonaws.<region>.*).
	// Required.
	Region string
	// InterfaceEndpoints adds ECR, CloudWatch Logs and Secrets Manager
	// interface endpoints in the private subnets (billed per hour and zone,
	// see docs/cloud.md "Security defaults"); with NAT none, services then run in
	// the private subnets with no public IP and no internet. Default false.
	InterfaceEndpoints bool
	// KMSKeyARN encrypts the flow log group with a customer-managed key.
	// Default empty: CloudWatch's own encryption.
	KMSKeyARN string
}

// Network is the VPC and everything in it.
type Network struct {
	constructs.Construct
	VPC            vpc.Vpc
	PublicSubnets  []subnet.Subnet
	PrivateSubnets []subnet.Subnet
	Routing        *Routing
	SecurityGroups *SecurityGroups
	Endpoints      *Endpoints
	// FlowLogs is nil unless Props.FlowLogs.
	FlowLogs *FlowLogs
	nat      NATStrategy
	// private: services run in the private subnets.
	private bool
	region  string
}

// Child ids. Renaming one replaces the resource.
const (
	idVPC           = "vpc"
	idPublicSubnet  = "public-subnet-"  // + zone letter
	idPrivateSubnet = "private-subnet-" // + zone letter
)

// New creates the network under scope.
func New(scope constructs.Construct, id string, props Props) (*Network, error) {
	props.defaults()
	public, private, err := props.validate(propcheck.For(scope, id))
	if err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	n := &Network{Construct: c, nat: props.NAT, private: props.NAT != NATNone || props.InterfaceEndpoints, region: props.Region}
	n.VPC = vpc.NewVpc(c, jsii.String(idVPC), &vpc.VpcConfig{
		CidrBlock: jsii.String(props.CIDR),
		// Both are needed for RDS endpoints and private DNS of VPC endpoints.
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               nameTag(props.Name),
	})
	for i, zone := range props.Zones {
		letter := letter(zone)
		n.PublicSubnets = append(n.PublicSubnets, subnet.NewSubnet(c, jsii.String(idPublicSubnet+letter), &subnet.SubnetConfig{
			VpcId:            n.VPC.Id(),
			AvailabilityZone: jsii.String(zone),
			CidrBlock:        jsii.String(public[i].String()),
			// Public IPs are given per task (assign_public_ip), not to
			// everything launched in the subnet.
			MapPublicIpOnLaunch: jsii.Bool(false),
			Tags:                tagsWith(props.Name+"-public-"+letter, "tier", "public"),
		}))
		n.PrivateSubnets = append(n.PrivateSubnets, subnet.NewSubnet(c, jsii.String(idPrivateSubnet+letter), &subnet.SubnetConfig{
			VpcId:            n.VPC.Id(),
			AvailabilityZone: jsii.String(zone),
			CidrBlock:        jsii.String(private[i].String()),
			Tags:             tagsWith(props.Name+"-private-"+letter, "tier", "private"),
		}))
	}
	n.Routing = newRouting(c, n, props)
	n.SecurityGroups = newSecurityGroups(c, n.VPC.Id(), props)
	n.Endpoints = newEndpoints(c, n, props)
	if props.FlowLogs {
		n.FlowLogs = newFlowLogs(c, n.VPC.Id(), props)
	}
	return n, nil
}

// Region is the network's region: what constructs placed in it default
// their region to.
func (n *Network) Region() string { return n.region }

// VPCID is the VPC id token.
func (n *Network) VPCID() *string { return n.VPC.Id() }

// CIDR is the VPC CIDR token.
func (n *Network) CIDR() *string { return n.VPC.CidrBlock() }

// PublicSubnetIDs are the public subnet id tokens, in zone order.
func (n *Network) PublicSubnetIDs() *[]*string { return ids(n.PublicSubnets) }

// PrivateSubnetIDs are the private subnet id tokens, in zone order.
func (n *Network) PrivateSubnetIDs() *[]*string { return ids(n.PrivateSubnets) }

// ServiceSubnetIDs are where tasks run: private subnets behind NAT or
// interface endpoints, else public subnets (with a public IP).
func (n *Network) ServiceSubnetIDs() *[]*string {
	if n.private {
		return n.PrivateSubnetIDs()
	}
	return n.PublicSubnetIDs()
}

// AssignPublicIP reports whether tasks need a public IP to reach image
// registries and AWS APIs: only without NAT and interface endpoints.
func (n *Network) AssignPublicIP() bool { return !n.private }

func ids(subnets []subnet.Subnet) *[]*string {
	out := make([]*string, len(subnets))
	for i, s := range subnets {
		out[i] = s.Id()
	}
	return &out
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.NAT == "" {
		p.NAT = NATNone
	}
	if p.FlowLogRetentionDays == 0 {
		p.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
}

// plan validates the props, reporting every problem at once, and lays out
// the subnets (which checking the ranges computes anyway).
func (p Props) validate(check *propcheck.Errors) (public, private []netip.Prefix, err error) {
	check.Required("Name", p.Name)
	if p.Region == "" {
		check.Add("Region", p.Region, "is required (it names the VPC endpoint services)")
	}
	if len(p.Zones) < 2 {
		check.Add("Zones", p.Zones, "at least 2 availability zones are required (e.g. %q)", []string{p.Region + "a", p.Region + "b"})
	}
	propcheck.OneOf(check, "NAT", p.NAT, NATStrategies...)
	if !slices.Contains(awsrules.LogRetentionDays, p.FlowLogRetentionDays) {
		check.Add("FlowLogRetentionDays", p.FlowLogRetentionDays, "is not a retention CloudWatch accepts (%v)", awsrules.LogRetentionDays)
	}
	for i, port := range p.ServicePorts {
		check.Port(fmt.Sprintf("ServicePorts[%d]", i), port)
	}
	cidr, perr := netip.ParsePrefix(p.CIDR)
	if perr != nil {
		check.Add("CIDR", p.CIDR, "is not a CIDR block")
	} else if len(p.Zones) > 0 {
		if public, private, err = naming.SubnetPlan(cidr, len(p.Zones)); err != nil {
			check.Add("CIDR", p.CIDR, "%v", err)
		}
	}
	return public, private, check.Err()
}

func nameTag(name string) *map[string]*string {
	return &map[string]*string{"Name": jsii.String(name)}
}

func tagsWith(name, key, value string) *map[string]*string {
	return &map[string]*string{"Name": jsii.String(name), key: jsii.String(value)}
}
