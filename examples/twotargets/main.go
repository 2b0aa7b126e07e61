// Command twotargets is one application on both targets, built from the
// library's constructs alone: two APIs, orders and ranker, each with its
// own PostgreSQL database and Flyway migrations, and a site that serves
// orders under /api/. Stack "two-cloud" runs it on AWS (Fargate, RDS,
// S3 + CloudFront through the internal load balancer's VPC origin), stack
// "two-home" on a home server's Docker (registry, PostgreSQL, health-gated
// containers behind the front proxy).
//
//	go run . && terraform -chdir=cdktf.out/stacks/two-cloud init && terraform -chdir=cdktf.out/stacks/two-cloud plan
//
// CDKTF_OUTDIR overrides the output folder; DOCKER_HOST the Docker daemon.
package main

import (
	"path/filepath"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/examples/internal/program"
	"github.com/homecloud-dev/fullstack/flyway"
)

const project = "two"

// apis are the two API apps, each with its folder under apis/ and
// migrations/.
var apis = []string{"orders", "ranker"}

func main() { program.Run("twotargets", build) }

// inputs are read from disk once, before any construct: the migrations
// and source hash of each API, and the site's build output.
type inputs struct {
	migrations map[string][]flyway.Migration
	sources    map[string]string // absolute folder by app
	hashes     map[string]string
	site       string
}

func read() (*inputs, error) {
	in := &inputs{migrations: map[string][]flyway.Migration{}, sources: map[string]string{}, hashes: map[string]string{}}
	for _, app := range apis {
		ms, err := flyway.Load(filepath.Join("migrations", app))
		if err != nil {
			return nil, err
		}
		dir, err := filepath.Abs(filepath.Join("apis", app))
		if err != nil {
			return nil, err
		}
		hash, err := contenthash.Dir(dir)
		if err != nil {
			return nil, err
		}
		in.migrations[app], in.sources[app], in.hashes[app] = ms, dir, hash
	}
	site, err := filepath.Abs("site")
	if err != nil {
		return nil, err
	}
	in.site = site
	return in, nil
}

func build(app cdktf.App) error {
	in, err := read()
	if err != nil {
		return err
	}
	if err := cloud(app, in); err != nil {
		return err
	}
	return home(app, in)
}
