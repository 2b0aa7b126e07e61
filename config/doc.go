// Package config is the project definition: the one spec both targets are
// built from. It loads the YAML project file (rejecting unknown keys), fills
// documented defaults, and validates every field, reporting all problems at
// once with the field path, the bad value and the rule.
//
// Library users may build a Project in Go instead of loading a file; call
// Project.Normalize to get the same defaults and validation.
//
// The package is pure Go (no jsii), so its tests run without node.
package config
