// Package restservice runs an api or model app on AWS: an ECS Fargate
// service behind the shared load balancer (a listener rule per route and
// per site that serves it under /api/), CPU autoscaling, a deployment
// circuit breaker that rolls back, and its database credentials as ECS
// secrets. It takes the cluster, network and load balancer constructs.
package restservice
