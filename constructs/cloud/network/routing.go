package network

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Routing is the internet gateway, NAT gateways and route tables.
type Routing struct {
	InternetGateway internetgateway.InternetGateway
	PublicRoutes    routetable.RouteTable
	// PrivateRoutes has one table per zone with per-az NAT, else one.
	PrivateRoutes []routetable.RouteTable
	// NATGateways is empty for none, one for single, one per zone for per-az.
	NATGateways []natgateway.NatGateway
}

const (
	idIGW           = "internet-gateway"
	idPublicRoutes  = "public-routes"
	idPrivateRoutes = "private-routes" // + "-" + zone letter with per-az NAT
	idNAT           = "nat-"           // + zone letter
	idNATAddress    = "nat-address-"   // + zone letter
	anywhere        = "0.0.0.0/0"
)

func newRouting(c constructs.Construct, n *Network, props Props) *Routing {
	r := &Routing{}
	r.InternetGateway = internetgateway.NewInternetGateway(c, jsii.String(idIGW), &internetgateway.InternetGatewayConfig{
		VpcId: n.VPC.Id(),
		Tags:  nameTag(props.Name),
	})
	r.PublicRoutes = routetable.NewRouteTable(c, jsii.String(idPublicRoutes), &routetable.RouteTableConfig{
		VpcId: n.VPC.Id(),
		Tags:  nameTag(props.Name + "-public"),
	})
	route.NewRoute(c, jsii.String(idPublicRoutes+"-internet"), &route.RouteConfig{
		RouteTableId:         r.PublicRoutes.Id(),
		DestinationCidrBlock: jsii.String(anywhere),
		GatewayId:            r.InternetGateway.Id(),
	})
	for i, s := range n.PublicSubnets {
		routetableassociation.NewRouteTableAssociation(c, jsii.String(idPublicSubnet+letter(props.Zones[i])+"-routes"), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     s.Id(),
			RouteTableId: r.PublicRoutes.Id(),
		})
	}

	// NAT gateways live in public subnets: the first one (single) or each.
	natZones := 0
	switch props.NAT {
	case NATSingle:
		natZones = 1
	case NATPerAZ:
		natZones = len(props.Zones)
	}
	for i := 0; i < natZones; i++ {
		l := letter(props.Zones[i])
		addr := eip.NewEip(c, jsii.String(idNATAddress+l), &eip.EipConfig{
			Domain: jsii.String("vpc"),
			Tags:   nameTag(props.Name + "-nat-" + l),
		})
		r.NATGateways = append(r.NATGateways, natgateway.NewNatGateway(c, jsii.String(idNAT+l), &natgateway.NatGatewayConfig{
			AllocationId: addr.Id(),
			SubnetId:     n.PublicSubnets[i].Id(),
			Tags:         nameTag(props.Name + "-nat-" + l),
			DependsOn:    &[]cdktf.ITerraformDependable{r.InternetGateway},
		}))
	}

	// Private route tables: one per zone with per-az NAT (each zone keeps
	// its traffic in-zone), else one shared table. Without NAT the table
	// has only the local route: databases need no internet.
	tables := 1
	if props.NAT == NATPerAZ {
		tables = len(props.Zones)
	}
	for t := 0; t < tables; t++ {
		id, name := idPrivateRoutes, props.Name+"-private"
		if props.NAT == NATPerAZ {
			id += "-" + letter(props.Zones[t])
			name += "-" + letter(props.Zones[t])
		}
		rt := routetable.NewRouteTable(c, jsii.String(id), &routetable.RouteTableConfig{VpcId: n.VPC.Id(), Tags: nameTag(name)})
		if len(r.NATGateways) > 0 {
			route.NewRoute(c, jsii.String(id+"-nat"), &route.RouteConfig{
				RouteTableId:         rt.Id(),
				DestinationCidrBlock: jsii.String(anywhere),
				NatGatewayId:         r.NATGateways[min(t, len(r.NATGateways)-1)].Id(),
			})
		}
		r.PrivateRoutes = append(r.PrivateRoutes, rt)
	}
	for i, s := range n.PrivateSubnets {
		routetableassociation.NewRouteTableAssociation(c, jsii.String(idPrivateSubnet+letter(props.Zones[i])+"-routes"), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     s.Id(),
			RouteTableId: r.PrivateRoutes[min(i, len(r.PrivateRoutes)-1)].Id(),
		})
	}
	return r
}

func letter(zone string) string { return zone[len(zone)-1:] }
