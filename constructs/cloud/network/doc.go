// Package network builds the cloud network: a VPC with one public and one
// private subnet per availability zone (ranges from naming.SubnetPlan), an
// internet gateway, route tables, NAT gateways per the NAT strategy, the
// three security groups (load balancer, services, database) and optional
// VPC flow logs. Child ids are stable constants plus the zone letter, so
// adding a zone never replaces existing subnets.
package network
