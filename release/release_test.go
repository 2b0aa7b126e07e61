package release

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/config"
)

const digestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func sample() *Manifest {
	created := time.Date(2026, 11, 30, 10, 15, 0, 0, time.UTC)
	return &Manifest{
		Format: Format, ID: NewID(created, "1a2b3c4d5e6f7a8b"), Project: "notes", Environment: "staging",
		Commit: "1a2b3c4d5e6f7a8b", Created: created, Registry: "127.0.0.1:5000",
		Source: Source{Ref: "refs/heads/main", Run: "local", Runner: "home"},
		Checks: []Check{{App: "notes-api", Name: "health /healthz", URL: "http://127.0.0.1:8080/healthz", Status: 200, Passed: true}},
		Apps: map[string]App{
			"notes-api": {Kind: "api", Image: &Image{Repository: "api/notes-api", Digest: digestA, SourceHash: "abc"},
				Migrations: &Migrations{Files: []MigrationFile{{File: "V1__init.sql", Checksum: 7}}, Image: &Image{Repository: "api/notes-api", Digest: digestA}}},
			"notes-web": {Kind: "site", Site: &Site{Hash: "h", Files: map[string]string{"index.html": "x"}}},
		},
	}
}

func TestParseRefusesBadManifests(t *testing.T) {
	good := sample()
	data, _ := good.Encode()
	if _, err := Parse(data); err != nil {
		t.Fatalf("good manifest: %v", err)
	}
	cases := []struct {
		name   string
		change func(m *Manifest)
		data   string
		want   []string
	}{
		{name: "truncated", data: string(data[:len(data)/2]), want: []string{"corrupt or truncated JSON"}},
		{name: "not JSON", data: "hello", want: []string{"corrupt or truncated JSON"}},
		{name: "unknown field", data: strings.Replace(string(data), `"format"`, `"formatt"`, 1), want: []string{"unknown field"}},
		{name: "failed check", change: func(m *Manifest) { m.Checks[0].Passed, m.Checks[0].Status = false, 502 }, want: []string{`check "health /healthz" of notes-api`, "failed with status 502", "only from a passing staging deploy"}},
		{name: "no checks", change: func(m *Manifest) { m.Checks = nil }, want: []string{"no staging check ran"}},
		{name: "bad digest and missing site", change: func(m *Manifest) {
			m.Apps["notes-api"].Image.Digest = "sha256:123"
			m.Apps["notes-web"] = App{Kind: "site"}
		}, want: []string{`apps.notes-api: image.digest "sha256:123": must be sha256:<64 hex digits>`, "apps.notes-web: site.hash is missing"}},
		{name: "format", change: func(m *Manifest) { m.Format = 9 }, want: []string{"format 9: this version reads format 2"}},
		{name: "no source", change: func(m *Manifest) { m.Source = Source{} }, want: []string{"source.ref is empty", "source.runner is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.data
			if c.change != nil {
				m := sample()
				c.change(m)
				b, _ := m.Encode()
				in = string(b)
			}
			_, err := Parse([]byte(in))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestCheckCheckoutNamesAppsAndFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		path := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("migrations/notes-api/V1__init.sql", "CREATE TABLE notes (id int);\n")
	write("web/index.html", "<!doctype html>\n")
	write("web/assets/app.js", "1")
	write("api/Dockerfile", "FROM scratch\n")
	write("fullstack.yaml", `project: notes
cloud: {github: {owner: o, repo: r}}
apps:
  - {name: notes-api, kind: api, source: api, port: 8080, database: true}
  - {name: notes-web, kind: site, source: web, site: {api: notes-api}}
`)
	p, err := config.Load(filepath.Join(dir, "fullstack.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := p.AppMigrations("notes-api")
	site, err := SiteFiles(filepath.Join(dir, "web"))
	if err != nil {
		t.Fatal(err)
	}
	m := sample()
	m.Apps["notes-api"].Migrations.Files = MigrationFiles(ms)
	m.Apps["notes-web"] = App{Kind: "site", Site: site}
	if err := CheckCheckout(m, p); err != nil {
		t.Fatalf("a matching checkout: %v", err)
	}
	// A rollback onto a checkout with one more migration and another site
	// is allowed: the release's migrations are a prefix.
	write("migrations/notes-api/V2__more.sql", "SELECT 1;\n")
	write("web/index.html", "<!doctype html><p>newer</p>\n")
	p, _ = config.Load(filepath.Join(dir, "fullstack.yaml"))
	if err := CheckRollback(m, p); err != nil {
		t.Errorf("rollback onto a checkout whose migrations extend the release's: %v", err)
	}
	write("web/index.html", "<!doctype html>\n")
	write("migrations/notes-api/V1__init.sql", "CREATE TABLE notes (id bigint);\n")
	write("migrations/notes-api/V2__more.sql", "SELECT 1;\n")
	write("web/assets/app.js", "2")
	write("web/extra.txt", "x")
	p, _ = config.Load(filepath.Join(dir, "fullstack.yaml"))
	err = CheckCheckout(m, p)
	var mismatch *MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("changed checkout: %v, want a MismatchError", err)
	}
	for _, w := range []string{
		"notes-api: migrations differ: V1__init.sql has checksum",
		"V2__more.sql is only in the checkout",
		"notes-web: site files differ: assets/app.js changed, extra.txt is only in the checkout",
		"nothing was applied",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestCheckRollbackNamesTheFirstDivergentMigration(t *testing.T) {
	rel := []MigrationFile{{"V1__init.sql", 1}, {"V2__notes.sql", 2}, {"R__views.sql", 9}}
	for _, c := range []struct {
		name     string
		checkout []MigrationFile
		want     string
	}{
		{"prefix", []MigrationFile{{"V1__init.sql", 1}, {"V2__notes.sql", 2}, {"V3__tags.sql", 3}, {"R__views.sql", 10}}, ""},
		{"equal", rel, ""},
		{"edited", []MigrationFile{{"V1__init.sql", 1}, {"V2__notes.sql", 5}}, "V2__notes.sql has checksum 2 in the release, 5 in the checkout"},
		{"another file", []MigrationFile{{"V1__init.sql", 1}, {"V2__other.sql", 2}}, "V2__notes.sql in the release where the checkout has V2__other.sql"},
		{"checkout behind", []MigrationFile{{"V1__init.sql", 1}}, "V2__notes.sql is in the release but not in the checkout (the checkout's history ends before it)"},
	} {
		if got := notPrefix(rel, c.checkout); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSchemaNoteNamesTheLastMigration(t *testing.T) {
	note := SchemaNote(sample())
	for _, want := range []string{"notes-api up to V1__init.sql", "the schema stays"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q: %s", want, note)
		}
	}
}
