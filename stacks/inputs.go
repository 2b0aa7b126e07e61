package stacks

import (
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
)

// Each stack reads what it needs from disk first (its inputs: migrations,
// source hashes, site files and build contexts), then creates constructs
// from values only. A read error stops the stack before anything exists.

// databaseSpecs is the one spec of every app with a database, shared by
// both targets, in app order; the migrations are the ones config read
// when it checked them.
func databaseSpecs(p *config.Project) ([]dbspec.Spec, error) {
	var specs []dbspec.Spec
	for _, a := range p.Apps {
		if !a.Database.Enabled {
			continue
		}
		migrations, err := p.AppMigrations(a.Name)
		if err != nil {
			return nil, err
		}
		specs = append(specs, dbspec.Spec{Project: p.Name, App: a.Name, Migrations: migrations})
	}
	return specs, nil
}
