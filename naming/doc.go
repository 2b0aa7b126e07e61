// Package naming derives every resource name the stacks create from the
// project and app names, and knows the length and character limits AWS puts
// on each of them. Config validation uses it to reject names that would only
// fail at apply time, and constructs use it so no name is built by hand.
//
// The package is pure Go (no jsii), so its rules are tested without node.
package naming
