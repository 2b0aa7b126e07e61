package stacks

import (
	"fmt"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
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

// onPremEnv is what staging's and a preview's inputs differ by.
type onPremEnv struct {
	// name starts the container names (dbspec.Spec.Project).
	name string
	// databaseSuffix ends each database's and role's name.
	databaseSuffix string
	// apiUpstream is how a site reaches the API app api.
	apiUpstream func(api string) clientsite.Upstream
}

// stagingEnv is the on-prem stack's: the project's names, APIs through
// their proxy ports.
func stagingEnv(p *config.Project) onPremEnv {
	return onPremEnv{name: p.Name, apiUpstream: func(api string) clientsite.Upstream {
		return clientsite.Upstream{URL: frontproxy.InternalURL(p.Name, routeIndex(p, api))}
	}}
}

func readOnPremInputs(p *config.Project, opts Options, env onPremEnv) (*onPremInputs, error) {
	in := &onPremInputs{sources: map[string]source{}, sites: map[string]clientsite.Context{}, migrations: map[string]dbspec.MigrationContext{}}
	var err error
	if in.databases, err = databaseSpecs(p); err != nil {
		return nil, err
	}
	for i := range in.databases {
		in.databases[i].Project, in.databases[i].NameSuffix = env.name, env.databaseSuffix
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
		var api clientsite.Upstream
		if _, ok := ports[a.Site.API]; ok {
			api = env.apiUpstream(a.Site.API)
		}
		if in.sites[a.Name], err = clientsite.Prepare(dir, build, api); err != nil {
			return nil, fmt.Errorf("apps %s: %w", a.Name, err)
		}
	}
	return in, nil
}

// proxyRoutes are the front proxy's routes: every app and site, in the
// project's order (route i listens on frontproxy.ListenPort(i)).
func proxyRoutes(p *config.Project) []frontproxy.Route {
	out := make([]frontproxy.Route, len(p.Apps))
	for i, a := range p.Apps {
		out[i] = frontproxy.Route{Name: a.Name, HostPort: a.HostPort}
	}
	return out
}

// routeIndex is app's route in proxyRoutes.
func routeIndex(p *config.Project, app string) int {
	for i, a := range p.Apps {
		if a.Name == app {
			return i
		}
	}
	return -1
}
