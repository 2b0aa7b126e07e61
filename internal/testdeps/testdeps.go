//go:build tools

// Package testdeps names the modules only the integration suite in
// __tests__ imports. Go's ./... patterns, and so `go mod tidy`, skip
// directories whose names start with '_'; without this file tidy would
// drop these requirements from go.mod and __tests__ would stop building.
package testdeps

import (
	_ "github.com/google/go-containerregistry/pkg/authn"
	_ "github.com/google/go-containerregistry/pkg/name"
	_ "github.com/google/go-containerregistry/pkg/v1"
	_ "github.com/google/go-containerregistry/pkg/v1/random"
	_ "github.com/google/go-containerregistry/pkg/v1/remote"
	_ "github.com/google/go-containerregistry/pkg/v1/remote/transport"
	_ "golang.org/x/crypto/bcrypt"
)
