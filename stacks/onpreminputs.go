package stacks

import (
	"fmt"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/contenthash"
)

// onPremInputs is what the onprem stack reads and writes on disk, all of
// it before its first construct.
type onPremInputs struct {
	databases []dbspec.Spec
	// sources are the api/model apps' build contexts, by app.
	sources map[string]source
	// sites are the sites' prepared build contexts, by app.
	sites map[string]clientsite.Context
	// migrations are the migration images' prepared build contexts, by app.
	migrations map[string]dbspec.MigrationContext
}

// source is an app's Dockerfile folder and its content hash.
type source struct{ dir, hash string }

func readOnPremInputs(p *config.Project, opts Options) (*onPremInputs, error) {
	in := &onPremInputs{sources: map[string]source{}, sites: map[string]clientsite.Context{}, migrations: map[string]dbspec.MigrationContext{}}
	var err error
	if in.databases, err = databaseSpecs(p); err != nil {
		return nil, err
	}
	for _, s := range in.databases {
		dir, err := filepath.Abs(filepath.Join(opts.buildDir(p), "flyway-"+s.App))
		if err != nil {
			return nil, err
		}
		if in.migrations[s.App], err = dbspec.PrepareMigrationContext(dir, s.Migrations); err != nil {
			return nil, fmt.Errorf("apps %s: migration image: %w", s.App, err)
		}
	}
	ports := map[string]int{}
	for _, a := range containerApps(p.Apps) {
		dir, err := sourceDir(p, a)
		if err != nil {
			return nil, err
		}
		hash, err := contenthash.Dir(dir)
		if err != nil {
			return nil, fmt.Errorf("apps %s: source %s: %w", a.Name, a.Source, err)
		}
		in.sources[a.Name] = source{dir, hash}
		ports[a.Name] = a.Port
	}
	for _, a := range siteApps(p.Apps) {
		build, err := sourceDir(p, a)
		if err != nil {
			return nil, err
		}
		dir, err := filepath.Abs(filepath.Join(opts.buildDir(p), "site-"+a.Name))
		if err != nil {
			return nil, err
		}
		api := ""
		if port, ok := ports[a.Site.API]; ok {
			api = restservice.InternalURL(p.Name, a.Site.API, port)
		}
		if in.sites[a.Name], err = clientsite.Prepare(dir, build, api); err != nil {
			return nil, fmt.Errorf("apps %s: %w", a.Name, err)
		}
	}
	return in, nil
}
