package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/dockercli"
	"github.com/homecloud-dev/fullstack/release"
)

// onPremOutputs are the onprem stack's outputs a release is made from.
type onPremOutputs struct {
	ServiceURLs     map[string]string        `json:"service_urls"`
	SiteURLs        map[string]string        `json:"site_urls"`
	RegistryAddress string                   `json:"registry_address"`
	Images          map[string]release.Image `json:"release_images"`
	MigrationImages map[string]release.Image `json:"release_migration_images"`
}

// readOutputs reads the outputs from the onprem stack's local state: what
// the last apply actually did.
func readOutputs(stateDir string) (*onPremOutputs, error) {
	path := filepath.Join(stateDir, "terraform.onprem.tfstate")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onprem state %s: %w (deploy first: npx cdktf deploy onprem)", path, err)
	}
	var state struct {
		Outputs map[string]struct {
			Value json.RawMessage `json:"value"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		return nil, fmt.Errorf("onprem state %s: %w", path, err)
	}
	flat := map[string]json.RawMessage{}
	for k, v := range state.Outputs {
		flat[k] = v.Value
	}
	raw, _ := json.Marshal(flat)
	var out onPremOutputs
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("onprem state %s: outputs: %w", path, err)
	}
	if out.RegistryAddress == "" {
		return nil, fmt.Errorf("onprem state %s has no registry_address output: deploy first (npx cdktf deploy onprem)", path)
	}
	return &out, nil
}

// record builds the manifest of the deployed staging stack: every check
// run and every digest confirmed, or every problem at once.
func record(ctx context.Context, p *config.Project, stateDir, commit string, attempts int) (*release.Manifest, error) {
	outs, err := readOutputs(stateDir)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	m := &release.Manifest{
		Format: release.Format, ID: release.NewID(now, commit), Project: p.Name, Environment: p.OnPrem.Environment,
		Commit: commit, Created: now, Registry: outs.RegistryAddress, Apps: map[string]release.App{},
	}
	home := release.HomeRegistry(p.OnPrem, outs.RegistryAddress, os.Getenv)
	engine := &dockercli.Engine{Host: p.OnPrem.DockerHost}
	var errs []error
	for _, a := range p.Apps {
		app, problems := recordApp(ctx, p, a, outs, home, engine)
		errs = append(errs, problems...)
		m.Apps[a.Name] = app
	}
	m.Checks = runChecks(p, outs, attempts)
	for _, c := range m.Checks {
		if !c.Passed {
			errs = append(errs, fmt.Errorf("%s: check %s failed: %s answered %s", c.App, c.Name, c.URL, statusText(c.Status)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return m, nil
}

// recordApp records one app from the outputs and the checkout, confirming
// each image: built from this checkout, held by the home registry, run by
// the app's container.
func recordApp(ctx context.Context, p *config.Project, a config.App, outs *onPremOutputs, home *release.Registry, engine *dockercli.Engine) (release.App, []error) {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(a.Name+": "+format, args...)) }
	app := release.App{Kind: string(a.Kind)}
	source := filepath.Join(p.Dir, a.Source)
	confirm := func(what string, img release.Image, wantHash string) {
		if wantHash != img.SourceHash {
			fail("the deployed %s was built from other files than this checkout holds (hash %.12s, checkout %.12s): deploy this checkout first", what, img.SourceHash, wantHash)
		}
		if ok, err := home.Has(ctx, img.Repository, img.Digest); err != nil {
			fail("%s: %v", what, err)
		} else if !ok {
			fail("the home registry %s does not hold the %s %s@%s", home.Address, what, img.Repository, img.Digest)
		}
	}
	if a.Kind != config.KindSite {
		img, ok := outs.Images[a.Name]
		if !ok {
			fail("the onprem state has no image for it: deploy first")
		} else {
			hash, err := contenthash.Dir(source)
			if err != nil {
				fail("source %s: %v", a.Source, err)
			}
			confirm("image", img, hash)
			app.Image = &img
			if err := runs(engine, p.Name, p.OnPrem.Environment, a.Name, outs.RegistryAddress+"/"+img.Repository+"@"+img.Digest); err != nil {
				fail("%v", err)
			}
		}
	}
	if a.Database.Enabled {
		ms, err := p.AppMigrations(a.Name)
		if err != nil {
			fail("migrations: %v", err)
		}
		app.Migrations = &release.Migrations{Files: release.MigrationFiles(ms)}
		img, ok := outs.MigrationImages[a.Name]
		if !ok {
			fail("the onprem state has no migration image for it: deploy first")
		} else {
			tmp, err := os.MkdirTemp("", "release-flyway-")
			if err == nil {
				defer os.RemoveAll(tmp)
				var mc dbspec.MigrationContext
				if mc, err = dbspec.PrepareMigrationContext(filepath.Join(tmp, "ctx"), ms); err == nil {
					confirm("migration image", img, mc.Hash)
				}
			}
			if err != nil {
				fail("migration image: %v", err)
			}
			app.Migrations.Image = &img
		}
	}
	if a.Kind == config.KindSite {
		site, err := release.SiteFiles(source)
		if err != nil {
			fail("site files %s: %v", a.Source, err)
		}
		app.Site = site
	}
	return app, errs
}
