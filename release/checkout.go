package release

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/flyway"
)

// MigrationFiles are ms as a manifest records them.
func MigrationFiles(ms []flyway.Migration) []MigrationFile {
	out := make([]MigrationFile, len(ms))
	for i, m := range ms {
		out[i] = MigrationFile{File: m.File, Checksum: m.Checksum}
	}
	return out
}

// SiteFiles records a site's build output: its content hash and each
// file's SHA-256.
func SiteFiles(dir string) (*Site, error) {
	hash, err := contenthash.Dir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := sha256.Sum256(data)
		files[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Site{Hash: hash, Files: files}, nil
}

// MismatchError is a release that does not match the checkout being
// deployed: Problems name each app and what differs.
type MismatchError struct {
	Release  string
	Problems []string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("release %s does not match this checkout; nothing was applied:\n  %s", e.Release, strings.Join(e.Problems, "\n  "))
}

// CheckCheckout compares m with the project's checkout: the same apps of
// the same kinds, each database app's migrations file by file (name and
// Flyway checksum), each site's files. Every difference is reported at
// once, naming the app and the files.
func CheckCheckout(m *Manifest, p *config.Project) error {
	return checkCheckout(m, p, false)
}

// CheckRollback checks that m can run on the checkout's infrastructure
// (a rollback changes images, never infrastructure): the same apps of the
// same kinds, and each database app's migrations in the release a prefix
// of the checkout's, so the older code meets a schema that only grew
// (expand/contract). The first file that differs is named. Sites are
// files, not images: they stay at the checkout's.
func CheckRollback(m *Manifest, p *config.Project) error {
	return checkCheckout(m, p, true)
}

func checkCheckout(m *Manifest, p *config.Project, rollback bool) error {
	e := &MismatchError{Release: m.ID}
	add := func(format string, args ...any) { e.Problems = append(e.Problems, fmt.Sprintf(format, args...)) }
	if m.Project != p.Name {
		add("project: the release is of %q, the checkout of %q", m.Project, p.Name)
	}
	inProject := map[string]bool{}
	for _, a := range p.Apps {
		inProject[a.Name] = true
		ra, ok := m.Apps[a.Name]
		if !ok {
			add("%s: in the checkout, not in the release", a.Name)
			continue
		}
		if ra.Kind != string(a.Kind) {
			add("%s: kind %s in the release, %s in the checkout", a.Name, ra.Kind, a.Kind)
			continue
		}
		if a.Database.Enabled {
			ms, err := p.AppMigrations(a.Name)
			if err != nil {
				add("%s: migrations: %v", a.Name, err)
			} else if ra.Migrations == nil || ra.Migrations.Image == nil {
				add("%s: has a database in the checkout, but the release carries no migration image", a.Name)
			} else if rollback {
				if diff := notPrefix(ra.Migrations.Files, MigrationFiles(ms)); diff != "" {
					add("%s: the release's migrations are not a prefix of the checkout's: %s", a.Name, diff)
				}
			} else if diff := diffMigrations(ra.Migrations.Files, MigrationFiles(ms)); diff != "" {
				add("%s: migrations differ: %s", a.Name, diff)
			}
		}
		if a.Kind == config.KindSite && !rollback {
			site, err := SiteFiles(filepath.Join(p.Dir, a.Source))
			if err != nil {
				add("%s: site files: %v", a.Name, err)
			} else if ra.Site == nil || ra.Site.Hash != site.Hash {
				add("%s: site files differ: %s", a.Name, diffFiles(ra.Site, site))
			}
		}
	}
	for _, name := range m.AppNames() {
		if !inProject[name] {
			add("%s: in the release, not in the checkout", name)
		}
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

// notPrefix names the first file where release's versioned migrations
// stop being the start of checkout's ("" when they are a prefix).
// Repeatable migrations (R__) run after every change in Flyway and are
// not ordered history: they are left out.
func notPrefix(release, checkout []MigrationFile) string {
	versioned := func(fs []MigrationFile) []MigrationFile {
		var out []MigrationFile
		for _, f := range fs {
			if !strings.HasPrefix(f.File, "R__") {
				out = append(out, f)
			}
		}
		return out
	}
	rel, co := versioned(release), versioned(checkout)
	for i, f := range rel {
		switch {
		case i >= len(co):
			return fmt.Sprintf("%s is in the release but not in the checkout (the checkout's history ends before it)", f.File)
		case co[i].File != f.File:
			return fmt.Sprintf("%s in the release where the checkout has %s", f.File, co[i].File)
		case co[i].Checksum != f.Checksum:
			return fmt.Sprintf("%s has checksum %d in the release, %d in the checkout", f.File, f.Checksum, co[i].Checksum)
		}
	}
	return ""
}

// diffMigrations names what differs between the release's and the
// checkout's migrations ("" when nothing does).
func diffMigrations(release, checkout []MigrationFile) string {
	rel, co := map[string]int32{}, map[string]int32{}
	for _, f := range release {
		rel[f.File] = f.Checksum
	}
	for _, f := range checkout {
		co[f.File] = f.Checksum
	}
	var parts []string
	for _, f := range checkout {
		if sum, ok := rel[f.File]; !ok {
			parts = append(parts, f.File+" is only in the checkout")
		} else if sum != f.Checksum {
			parts = append(parts, fmt.Sprintf("%s has checksum %d in the release, %d in the checkout", f.File, sum, f.Checksum))
		}
	}
	for _, f := range release {
		if _, ok := co[f.File]; !ok {
			parts = append(parts, f.File+" is only in the release")
		}
	}
	return strings.Join(parts, "; ")
}

// diffFiles names the files that differ between two sites.
func diffFiles(release, checkout *Site) string {
	if release == nil {
		release = &Site{}
	}
	var parts []string
	names := map[string]bool{}
	for n := range release.Files {
		names[n] = true
	}
	for n := range checkout.Files {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for _, n := range sorted {
		r, inRelease := release.Files[n]
		c, inCheckout := checkout.Files[n]
		switch {
		case !inRelease:
			parts = append(parts, n+" is only in the checkout")
		case !inCheckout:
			parts = append(parts, n+" is only in the release")
		case r != c:
			parts = append(parts, n+" changed")
		}
	}
	if len(parts) == 0 {
		return "the content hash differs"
	}
	return strings.Join(parts, ", ")
}
