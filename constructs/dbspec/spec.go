package dbspec

import (
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/pinned"
)

// FlywayImage is the official Flyway image, pinned.
const FlywayImage = pinned.Flyway

// In-container paths of the Flyway image.
const (
	FlywaySQLDir = "/flyway/sql"
	FlywayConf   = "/flyway/conf/flyway.conf"
)

// Spec is what both targets' databases share.
type Spec struct {
	// Project prefixes resource names. Required.
	Project string
	// App is the app name. Required.
	App string
	// Migrations are the app's Flyway migrations, in order (flyway.Load).
	// Default none: Flyway still runs and creates its history table.
	Migrations []flyway.Migration
	// NameSuffix is appended to the database and role name: a preview's
	// copy of the app's database (naming.PreviewDatabaseSuffix). Default
	// "": the app's own.
	NameSuffix string
}

// Database is the database and login role name.
func (s Spec) Database() string { return naming.AppDatabase(s.App).Value + s.NameSuffix }

// MigrationsHash changes whenever a migration file is added, renamed or
// edited: it is what makes a deploy re-run Flyway.
func (s Spec) MigrationsHash() string { return flyway.ContentHash(s.Migrations) }

// MigrationImageTag tags the image that carries the migrations (AWS): a
// change of any migration is a new tag.
func (s Spec) MigrationImageTag() string { return flyway.ImageTag(s.Migrations) }

// Check records what is missing from s.
func (s Spec) Check(check *propcheck.Errors) {
	check.Required("Project", s.Project)
	check.Required("App", s.App)
}
