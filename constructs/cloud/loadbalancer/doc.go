// Package loadbalancer builds the application load balancer every cloud
// service shares: internal, in the private subnets, with one HTTP
// listener. Only CloudFront reaches it, through a VPC origin (origin.go):
// nothing of the apps is on the internet but CloudFront, and the hop from
// CloudFront to the load balancer never leaves AWS's network. Services add
// listener rules (host, path and the site header) on Listener; requests no
// rule matches get a 404.
package loadbalancer
