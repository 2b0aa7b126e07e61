package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/naming"
)

// Format is the manifest format this package writes and reads. Format 1
// carried an HMAC seal; format 2 is signed beside the file (cosign).
const Format = 2

// Manifest is one release: what a passing staging deploy ran.
type Manifest struct {
	// Format is the manifest format (Format).
	Format int `json:"format"`
	// ID names the release: <UTC time>-<short commit>, e.g.
	// 20261130T101500Z-1a2b3c4d5e6f.
	ID      string `json:"id"`
	Project string `json:"project"`
	// Environment is the on-prem environment that proved it (staging).
	Environment string `json:"environment"`
	// Commit is the source commit the images were built from.
	Commit  string    `json:"commit"`
	Created time.Time `json:"created"`
	// Registry is the home registry the digests were pushed to
	// (host:port).
	Registry string `json:"registry"`
	// Checks are the staging checks; a manifest is written only when every
	// one passed.
	Checks []Check `json:"checks"`
	// Source is where the release was built.
	Source Source `json:"source"`
	// Apps by name.
	Apps map[string]App `json:"apps"`
}

// Source is where a release was built: promote accepts only releases of
// the configured branch.
type Source struct {
	// Ref is the git ref, e.g. refs/heads/main.
	Ref string `json:"ref"`
	// Run is the workflow run's address, or "local".
	Run string `json:"run"`
	// Runner is the machine that built and checked it.
	Runner string `json:"runner"`
}

// Check is one staging check and its outcome.
type Check struct {
	App  string `json:"app"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Status is the HTTP status (0: no answer).
	Status int  `json:"status"`
	Passed bool `json:"passed"`
}

// App is what one app ran on staging.
type App struct {
	// Kind is api, model or site.
	Kind string `json:"kind"`
	// Image is the app's image (api and model apps).
	Image *Image `json:"image,omitempty"`
	// Migrations are the app's Flyway migrations (apps with a database).
	Migrations *Migrations `json:"migrations,omitempty"`
	// Site is the site's files (sites).
	Site *Site `json:"site,omitempty"`
}

// Image is an image in the home registry, by digest.
type Image struct {
	// Repository is the path in the home registry, e.g. api/notes-api.
	Repository string `json:"repository"`
	// Digest is the registry's manifest digest, sha256:<64 hex>.
	Digest string `json:"digest"`
	// SourceHash fingerprints the build context it came from.
	SourceHash string `json:"source_hash"`
}

// Migrations are an app's migrations as Flyway sees them.
type Migrations struct {
	// Files are the migration files in Flyway order with their checksums.
	Files []MigrationFile `json:"files"`
	// Image carries the files (FROM the Flyway image); it ran the
	// migrations on staging.
	Image *Image `json:"image,omitempty"`
}

// MigrationFile is one migration and its Flyway checksum.
type MigrationFile struct {
	File     string `json:"file"`
	Checksum int32  `json:"checksum"`
}

// Site is a site's files.
type Site struct {
	// Hash fingerprints the site's build output (contenthash.Dir).
	Hash string `json:"hash"`
	// Files maps each file's slash path to its hex SHA-256.
	Files map[string]string `json:"files"`
}

var (
	digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	idRE     = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-zA-Z]{1,40}$`)
)

// Parse reads a manifest and checks its shape (not its signature): every
// problem at once, each naming the field (and the app).
func Parse(data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a release manifest (corrupt or truncated JSON): %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks the manifest's shape: format, identity, passing checks,
// and per app the digests and hashes its kind needs.
func (m *Manifest) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if m.Format != Format {
		add("format %d: this version reads format %d (record the release again: format 1 was sealed with the home server's HMAC key, format 2 is signed with a cosign key pair)", m.Format, Format)
	}
	if !idRE.MatchString(m.ID) {
		add("id %q: must be <UTC time>-<commit>, e.g. 20261130T101500Z-1a2b3c4d5e6f", m.ID)
	}
	for field, v := range map[string]string{"project": m.Project, "environment": m.Environment, "commit": m.Commit, "registry": m.Registry, "source.ref": m.Source.Ref, "source.runner": m.Source.Runner} {
		if v == "" {
			add("%s is empty", field)
		}
	}
	if m.Created.IsZero() {
		add("created is empty")
	}
	if len(m.Checks) == 0 {
		add("checks is empty: no staging check ran")
	}
	for _, c := range m.Checks {
		if !c.Passed {
			add("check %q of %s (%s) failed with status %d: a release is made only from a passing staging deploy", c.Name, c.App, c.URL, c.Status)
		}
	}
	if len(m.Apps) == 0 {
		add("apps is empty")
	}
	for _, name := range m.AppNames() {
		for _, err := range m.Apps[name].validate() {
			add("apps.%s: %v", name, err)
		}
	}
	return errors.Join(errs...)
}

func (a App) validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	checkImage := func(field string, img *Image) {
		if img.Repository == "" {
			add("%s.repository is empty", field)
		}
		if !digestRE.MatchString(img.Digest) {
			add("%s.digest %q: must be sha256:<64 hex digits>", field, img.Digest)
		}
	}
	switch a.Kind {
	case "api", "model":
		if a.Image == nil {
			add("image is missing: an %s app runs an image", a.Kind)
		} else {
			checkImage("image", a.Image)
		}
	case "site":
		if a.Site == nil || a.Site.Hash == "" {
			add("site.hash is missing: a site's files must be recorded")
		}
	default:
		add("kind %q: must be api, model or site", a.Kind)
	}
	if a.Migrations != nil && a.Migrations.Image != nil {
		checkImage("migrations.image", a.Migrations.Image)
	}
	return errs
}

// ECRRepository is app's ECR repository (naming.AppRepository of the
// manifest's project).
func (m *Manifest) ECRRepository(app string) string {
	return naming.AppRepository(m.Project, m.Apps[app].Kind, app).Value
}

// AppNames are the manifest's apps, sorted.
func (m *Manifest) AppNames() []string {
	names := make([]string, 0, len(m.Apps))
	for n := range m.Apps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Images are the distinct images the release runs (app and migration
// images), in app order.
func (m *Manifest) Images() []Image {
	var out []Image
	for _, name := range m.AppNames() {
		out = append(out, m.Apps[name].Images()...)
	}
	return out
}

// Images are the app's image and its migration image, where it has them.
func (a App) Images() []Image {
	var out []Image
	if a.Image != nil {
		out = append(out, *a.Image)
	}
	if a.Migrations != nil && a.Migrations.Image != nil {
		out = append(out, *a.Migrations.Image)
	}
	return out
}

// Encode is the manifest as written to disk (indented JSON, keys in a
// stable order).
func (m *Manifest) Encode() ([]byte, error) {
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// NewID is the release id for a commit made at t.
func NewID(t time.Time, commit string) string {
	short := commit
	if len(short) > 12 {
		short = short[:12]
	}
	return t.UTC().Format("20060102T150405Z") + "-" + short
}

// SchemaNote says what deploying m does to each app's schema: its
// migrations run, and newer ones already in production's history (a
// rollback) stay, since Flyway never undoes a migration and the deploy
// cannot read production's history.
func SchemaNote(m *Manifest) string {
	var parts []string
	for _, name := range m.AppNames() {
		if mig := m.Apps[name].Migrations; mig != nil {
			// Repeatable migrations come last in Flyway order; the schema
			// version is the last versioned one.
			for i := len(mig.Files) - 1; i >= 0; i-- {
				if strings.HasPrefix(mig.Files[i].File, "V") {
					parts = append(parts, name+" up to "+mig.Files[i].File)
					break
				}
			}
		}
	}
	if len(parts) == 0 {
		return "release " + m.ID + " (commit " + m.Commit + "): no migrations"
	}
	return "release " + m.ID + " (commit " + m.Commit + "): migrations " + strings.Join(parts, ", ") +
		". Flyway never undoes a migration: where production's schema history already holds newer ones (a rollback), the schema stays at them."
}
