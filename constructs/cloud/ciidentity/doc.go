// Package ciidentity builds the identity GitHub Actions deploys with: the
// account's GitHub OpenID Connect provider (or a reference to an existing
// one) and a deploy role that only the configured repository, branch and
// environment can assume, with permissions scoped to this project's
// resources (see policy.go).
package ciidentity
