// Package iampolicy builds IAM policy documents as plain Go values and
// renders them to JSON. Values may hold cdktf tokens (ARNs of resources in
// the same stack); cdktf resolves them inside the rendered string. The
// package has no jsii dependency.
package iampolicy
