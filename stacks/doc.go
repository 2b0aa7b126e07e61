// Package stacks composes the constructs into the Terraform stacks of a
// project: "onprem" (home server, docker + postgresql providers) and
// "cloud" (AWS). Stacks own every TerraformOutput; constructs expose tokens.
package stacks
