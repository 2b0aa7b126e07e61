// Package loadbalancer builds the application load balancer every cloud
// service shares: in the public subnets, behind the load balancer security
// group, with an HTTP listener and, when a certificate is given, an HTTPS
// listener (TLS 1.2+) to which HTTP redirects. Services add listener rules
// (host and/or path) on Listener; requests no rule matches get a 404.
package loadbalancer
