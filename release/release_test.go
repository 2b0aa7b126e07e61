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
		Checks: []Check{{App: "notes-api", Name: "health /healthz", URL: "http://127.0.0.1:8080/healthz", Status: 200, Passed: true}},
		Apps: map[string]App{
			"notes-api": {Kind: "api", Image: &Image{Repository: "api/notes-api", Digest: digestA, SourceHash: "abc"},
				Migrations: &Migrations{Files: []MigrationFile{{File: "V1__init.sql", Checksum: 7}}, Image: &Image{Repository: "api/notes-api", Digest: digestA}}},
			"notes-web": {Kind: "site", Site: &Site{Hash: "h", Files: map[string]string{"index.html": "x"}}},
		},
	}
}

func TestSealRoundTripAndTamper(t *testing.T) {
	dir := t.TempDir()
	key, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(dir, KeyFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil || string(again) != string(key) {
		t.Fatalf("second load gave another key (%v)", err)
	}
	m := sample()
	if err := m.Sign(key); err != nil {
		t.Fatal(err)
	}
	path, err := Save(Dir(dir), m)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Verify(key); err != nil {
		t.Fatalf("a saved manifest does not verify: %v", err)
	}
	tampered := *loaded
	tampered.Apps = map[string]App{"notes-api": {Kind: "api", Image: &Image{Repository: "api/notes-api", Digest: "sha256:" + strings.Repeat("b", 64)}}}
	if err := tampered.Verify(key); err == nil || !strings.Contains(err.Error(), "the seal does not match") {
		t.Errorf("a changed digest verified: %v", err)
	}
	other, _ := LoadOrCreateKey(t.TempDir())
	if err := loaded.Verify(other); err == nil {
		t.Error("another home server's key verified the manifest")
	}
	ids, err := List(Dir(dir))
	if err != nil || len(ids) != 1 || ids[0] != m.ID {
		t.Errorf("List = %v %v, want [%s]", ids, err, m.ID)
	}
}

func TestParseRefusesBadManifests(t *testing.T) {
	good := sample()
	good.Seal = "hmac-sha256:00"
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
		{name: "format", change: func(m *Manifest) { m.Format = 9 }, want: []string{"format 9: this version reads format 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.data
			if c.change != nil {
				m := sample()
				m.Seal = "hmac-sha256:00"
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

func TestSchemaNoteNamesTheLastMigration(t *testing.T) {
	note := SchemaNote(sample())
	for _, want := range []string{"notes-api up to V1__init.sql", "the schema stays"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q: %s", want, note)
		}
	}
}
