package awsrules

// NATStrategy is the cloud network's NAT layout.
type NATStrategy string

// The NAT layouts.
const (
	// NATNone: no NAT gateway; services run in public subnets with public
	// IPs (security groups still admit only the load balancer). Cheapest.
	NATNone NATStrategy = "none"
	// NATSingle: one NAT gateway shared by every private subnet.
	NATSingle NATStrategy = "single"
	// NATPerAZ: one NAT gateway per availability zone, so a zone outage
	// never cuts the others off.
	NATPerAZ NATStrategy = "per-az"
)

// NATStrategies are the accepted layouts.
var NATStrategies = []NATStrategy{NATNone, NATSingle, NATPerAZ}

// Route is a load balancer listener rule's match: host and/or path
// pattern. The yaml keys are the project file's (apps[].route).
type Route struct {
	// Host header, e.g. "api.example.com". Default none.
	Host string `yaml:"host"`
	// Path pattern, e.g. "/api/*". Default none.
	Path string `yaml:"path"`
}

// Describe names the route as a user wrote it.
func (r Route) Describe() string {
	switch {
	case r.Host == "":
		return "path " + r.Path
	case r.Path == "":
		return "host " + r.Host
	}
	return "host " + r.Host + ", path " + r.Path
}

// Egress is one outbound rule of an app's own security group. The yaml
// keys are the project file's (apps[].egress).
type Egress struct {
	// To is the destination, an IPv4 CIDR block. Required.
	To string `yaml:"to"`
	// Port is the destination port. Required.
	Port int `yaml:"port"`
	// Protocol is "tcp" or "udp". Default DefaultEgressProtocol.
	Protocol string `yaml:"protocol"`
}

// DefaultEgressProtocol is an egress rule's protocol unless told otherwise.
const DefaultEgressProtocol = "tcp"
