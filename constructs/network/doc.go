// Package network builds the cloud network: the VPC every cloud resource
// lives in. Subnets, gateways and security groups are added on this VPC by
// the cloud platform work; the construct's child ids are stable, so adding
// them never replaces the VPC.
package network
