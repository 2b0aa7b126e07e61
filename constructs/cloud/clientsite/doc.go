// Package clientsite serves a front end's static build on AWS: a private,
// versioned S3 bucket behind CloudFront (origin access control), security
// headers, an optional custom domain, /api/* forwarded to the load
// balancer, and a cache invalidation whenever the content changes.
package clientsite
