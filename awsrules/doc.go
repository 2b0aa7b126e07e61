// Package awsrules holds what AWS accepts and the defaults both the
// project file (config) and the constructs apply: CloudWatch Logs
// retention, Fargate task sizes and users, RDS storage, backup and
// windows, ECR lifecycle, CloudFront caching, the network's NAT layouts,
// listener routes and egress rules. Each value is written here once; the
// constructs' Default* constants and config's types refer to it. It is
// plain Go (no jsii), so config stays free of the construct packages.
package awsrules
