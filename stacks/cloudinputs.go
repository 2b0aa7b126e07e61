package stacks

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
)

// cloudInputs is what the cloud stack reads from disk, all of it before
// its first construct.
type cloudInputs struct {
	databases []dbspec.Spec
	// siteFiles are each site's build output, by app.
	siteFiles map[string][]clientsite.File
}

func readCloudInputs(p *config.Project) (*cloudInputs, error) {
	in := &cloudInputs{siteFiles: map[string][]clientsite.File{}}
	var err error
	if in.databases, err = databaseSpecs(p); err != nil {
		return nil, err
	}
	for _, a := range siteApps(p.Apps) {
		build, err := sourceDir(p, a)
		if err != nil {
			return nil, err
		}
		if in.siteFiles[a.Name], err = clientsite.Files(build); err != nil {
			return nil, fmt.Errorf("apps %s: source %s: %w", a.Name, a.Source, err)
		}
	}
	return in, nil
}
