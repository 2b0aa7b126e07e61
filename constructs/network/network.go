package network

import (
	"fmt"
	"net/netip"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
)

// Props configures the network.
type Props struct {
	// CIDR is the VPC address range, e.g. "10.0.0.0/16". Required.
	CIDR string
	// Name is the VPC's Name tag. Required.
	Name string
}

// Network is the VPC of the cloud stack.
type Network struct {
	constructs.Construct
	// VPC is the VPC resource.
	VPC vpc.Vpc
}

// Child ids. Renaming one replaces the resource.
const idVPC = "vpc"

// New creates the network under scope.
func New(scope constructs.Construct, id string, props Props) (*Network, error) {
	if err := props.validate(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	v := vpc.NewVpc(c, jsii.String(idVPC), &vpc.VpcConfig{
		CidrBlock: jsii.String(props.CIDR),
		// Both are needed for RDS endpoints and ECR/VPC endpoint DNS names.
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               &map[string]*string{"Name": jsii.String(props.Name)},
	})
	return &Network{Construct: c, VPC: v}, nil
}

// VPCID is the VPC id token.
func (n *Network) VPCID() *string { return n.VPC.Id() }

// CIDR is the VPC CIDR token.
func (n *Network) CIDR() *string { return n.VPC.CidrBlock() }

func (p Props) validate() error {
	if _, err := netip.ParsePrefix(p.CIDR); err != nil {
		return fmt.Errorf("network: CIDR %q is not a CIDR block", p.CIDR)
	}
	if p.Name == "" {
		return fmt.Errorf("network: Name is required")
	}
	return nil
}
