package stacks_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// TestProjectDefaultsAreTheConstructs: the project file documents its
// defaults (config, jsii-free) and each construct documents its own (a
// library caller's zero value); they are one behaviour and must not drift.
// config cannot import the constructs, so this test, which sees both,
// holds them together.
func TestProjectDefaultsAreTheConstructs(t *testing.T) {
	p := project(nil)
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	var site config.App
	for _, a := range p.Apps {
		if a.Kind == config.KindSite {
			site = a
		}
	}
	size := p.Apps[0].Size
	for _, c := range []struct {
		what            string
		project, constr any
	}{
		{"log retention", config.DefaultLogRetentionDays, ecscluster.DefaultLogRetentionDays},
		{"flow log retention", config.DefaultLogRetentionDays, network.DefaultFlowLogRetentionDays},
		{"instance class", config.DefaultInstanceClass, appdatabase.DefaultInstanceClass},
		{"allocated storage", config.DefaultAllocatedStorage, appdatabase.DefaultAllocatedStorage},
		{"max storage", config.DefaultMaxStorage, appdatabase.DefaultMaxAllocatedStorage},
		{"backup retention", config.DefaultBackupRetention, appdatabase.DefaultBackupRetentionDays},
		{"tagged images kept", config.DefaultKeepTaggedImages, containerregistry.DefaultKeepTaggedImages},
		{"untagged expiry", config.DefaultUntaggedExpiry, containerregistry.DefaultUntaggedExpiryDays},
		{"registry image", config.DefaultRegistryImage, registry.DefaultImage},
		{"docker host", config.DefaultDockerHost, dockercontainer.DefaultDockerHost},
		{"registry backup schedule", config.DefaultBackupSchedule, registry.DefaultBackupSchedule},
		{"registry backups kept", config.DefaultBackupKeep, registry.DefaultBackupKeep},
		{"postgres admin", config.DefaultPostgresAdmin, postgrescluster.DefaultAdminUser},
		{"log max size", config.DefaultLogMaxSize, dockercontainer.DefaultLogMaxSize},
		{"log max files", config.DefaultLogMaxFiles, dockercontainer.DefaultLogMaxFiles},
		{"container memory", config.DefaultMemory, rollout.DefaultMemoryMiB},
		{"task size", fmt.Sprint(size), fmt.Sprint(config.Size(restservice.DefaultSize))},
		{"site TTLs", fmt.Sprint(*site.Site.MinTTL, *site.Site.DefaultTTL, *site.Site.MaxTTL),
			fmt.Sprint(clientsite.DefaultMinTTL, clientsite.DefaultDefaultTTL, clientsite.DefaultMaxTTL)},
		{"password length", config.MinPasswordLength, providers.MinPasswordLength},
	} {
		if c.project != c.constr {
			t.Errorf("%s: the project file defaults to %v, the construct to %v", c.what, c.project, c.constr)
		}
	}
	for _, s := range config.NATStrategies {
		if !slices.Contains(network.NATStrategies, network.NATStrategy(s)) {
			t.Errorf("NAT %q is a project setting the network does not know", s)
		}
	}
}
