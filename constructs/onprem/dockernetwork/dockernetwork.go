package dockernetwork

import (
	"net/netip"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/datadockernetwork"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/network"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
)

// Props configures the platform network.
type Props struct {
	// Name of the Docker network. Required.
	Name string
	// Subnet in CIDR form. Default empty: Docker picks a free range.
	Subnet string
	// Labels are added to the network (e.g. project, environment).
	// Default none.
	Labels map[string]string
}

// Network is the platform Docker network.
type Network struct {
	constructs.Construct
	// Resource is the docker_network resource (nil for Lookup).
	Resource network.Network
	name, id *string
}

// Child ids. Renaming one replaces the resource.
const idNetwork = "network"

// New creates the platform network under scope.
func New(scope constructs.Construct, id string, props Props) (*Network, error) {
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	cfg := &network.NetworkConfig{
		Name:   jsii.String(props.Name),
		Driver: jsii.String("bridge"),
		Labels: dockerlabels.Network(props.Labels),
	}
	if props.Subnet != "" {
		cfg.IpamConfig = &[]*network.NetworkIpamConfig{{Subnet: jsii.String(props.Subnet)}}
	}
	r := network.NewNetwork(c, jsii.String(idNetwork), cfg)
	return &Network{Construct: c, Resource: r, name: r.Name(), id: r.Id()}, nil
}

// Lookup is a network another stack created (staging's platform network,
// for a preview): read at plan time, so a missing network fails the plan
// with its name.
func Lookup(scope constructs.Construct, id, name string) (*Network, error) {
	check := propcheck.For(scope, id)
	check.Required("name", name)
	if err := check.Err(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	d := datadockernetwork.NewDataDockerNetwork(c, jsii.String(idNetwork), &datadockernetwork.DataDockerNetworkConfig{Name: jsii.String(name)})
	return &Network{Construct: c, name: d.Name(), id: d.Id()}, nil
}

// Name is the network name token; containers join the network by name.
func (n *Network) Name() *string { return n.name }

// ID is the Docker network id token.
func (n *Network) ID() *string { return n.id }

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Name", p.Name)
	if p.Subnet != "" {
		if _, err := netip.ParsePrefix(p.Subnet); err != nil {
			check.Add("Subnet", p.Subnet, "is not a CIDR block")
		}
	}
	check.Claim("Docker network", p.Name)
	return check.Err()
}
