package stacks

import (
	"path/filepath"

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

// sourceDir is an app's source folder (a Dockerfile's context, or a
// site's build output), absolute.
func sourceDir(p *config.Project, a config.App) (string, error) {
	return filepath.Abs(filepath.Join(p.Dir, a.Source))
}

// siteApps are the project's sites, in app order.
func siteApps(apps []config.App) []config.App {
	var out []config.App
	for _, a := range apps {
		if a.Kind == config.KindSite {
			out = append(out, a)
		}
	}
	return out
}
