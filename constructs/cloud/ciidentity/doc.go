// Package ciidentity builds the identity GitHub Actions deploys with: the
// account's GitHub OIDC provider (or a reference to an existing one) and two
// roles, each trusting exactly one GitHub environment subject and no ref: a
// deploy role for `cdktf deploy cloud` (no image push) and a promote role
// that can only copy images into the project's ECR repositories (see
// policy.go).
package ciidentity
