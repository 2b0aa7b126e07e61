package stacks_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/release"
	"github.com/homecloud-dev/fullstack/stacks"
)

// shopRelease is a release of the test project's checkout, as cmd/fullstack/release
// would record it.
func shopRelease(t *testing.T, p *config.Project) *release.Manifest {
	t.Helper()
	digest := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	ms, err := p.AppMigrations("orders")
	if err != nil {
		t.Fatal(err)
	}
	site, err := release.SiteFiles(filepath.Join(projectDir, "apps/web"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	return &release.Manifest{
		Format: release.Format, ID: release.NewID(now, "0123456789abcdef"), Project: "shop", Environment: "staging",
		Commit: "0123456789abcdef", Created: now, Registry: "127.0.0.1:5000",
		Source: release.Source{Ref: "refs/heads/main", Run: "local", Runner: "test"},
		Checks: []release.Check{{App: "orders", Name: "health", URL: "http://x/healthz", Status: 200, Passed: true}},
		Apps: map[string]release.App{
			"orders": {Kind: "api", Image: &release.Image{Repository: "api/orders", Digest: digest("a")},
				Migrations: &release.Migrations{Files: release.MigrationFiles(ms), Image: &release.Image{Repository: "api/orders", Digest: digest("b")}}},
			"ranker": {Kind: "model", Image: &release.Image{Repository: "model/ranker", Digest: digest("c")}},
			"web":    {Kind: "site", Site: site},
		},
	}
}

// TestCloudDeploysReleaseByDigest: with a release, every task definition
// names <repository>@<digest> (services and Flyway), and the image_tag
// variable is gone.
func TestCloudDeploysReleaseByDigest(t *testing.T) {
	p := project(nil)
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	r := shopRelease(t, p)
	out, err := synth.ProjectWith(p, t.TempDir(), stacks.Options{Release: r})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Stacks["cloud"]
	images := map[string]string{}
	for _, td := range s.Resources("aws_ecs_task_definition") {
		images[td["family"].(string)] = td["container_definitions"].(string)
	}
	for family, want := range map[string]string{
		"shop-orders": "orders", "shop-orders-flyway": "orders", "shop-ranker": "ranker",
	} {
		digest := r.Apps[want].Image.Digest
		if strings.HasSuffix(family, "-flyway") {
			digest = r.Apps[want].Migrations.Image.Digest
		}
		repo := idOf(t, s, "aws_ecr_repository", "name", "shop/"+r.Apps[want].Kind+"/"+want)
		if want := `"image":"` + ref("aws_ecr_repository", repo, "repository_url") + "@" + digest + `"`; !strings.Contains(images[family], want) {
			t.Errorf("task definition %s does not run %s:\n%s", family, want, images[family])
		}
	}
	if _, ok := s.Variables()[stacks.ImageTagVariable]; ok {
		t.Errorf("a release deploy still declares the %s variable", stacks.ImageTagVariable)
	}
	if _, ok := plain.Stacks["cloud"].Variables()[stacks.ImageTagVariable]; !ok {
		t.Errorf("without a release the %s variable is the escape hatch", stacks.ImageTagVariable)
	}
}

// TestCloudRefusesReleaseOfAnotherCheckout: changed migrations or site
// files name the app and the files, before any stack is built.
func TestCloudRefusesReleaseOfAnotherCheckout(t *testing.T) {
	p := project(nil)
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	r := shopRelease(t, p)
	r.Apps["orders"].Migrations.Files[0].Checksum++
	r.Apps["web"].Site.Files["assets/app.0123abcd.js"] = "0000"
	r.Apps["web"].Site.Hash = "other"
	out := t.TempDir()
	_, err := synth.ProjectWith(p, out, stacks.Options{Release: r})
	var mismatch *release.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("got %v, want a release.MismatchError", err)
	}
	for _, want := range []string{"orders: migrations differ: ", "has checksum", "web: site files differ: assets/app.0123abcd.js changed", "nothing was applied"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
