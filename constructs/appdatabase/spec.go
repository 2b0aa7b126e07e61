package appdatabase

import (
	"errors"
	"fmt"

	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/naming"
)

// FlywayImage is the official Flyway image, pinned.
const FlywayImage = "flyway/flyway:10.22.0"

// In-container paths of the Flyway image.
const (
	FlywaySQLDir = "/flyway/sql"
	FlywayConf   = "/flyway/conf/flyway.conf"
)

// Spec is what both variants share.
type Spec struct {
	// Project prefixes resource names. Required.
	Project string
	// App is the app name. Required.
	App string
	// Migrations are the app's Flyway migrations, in order (flyway.Load).
	// Default none: Flyway still runs and creates its history table.
	Migrations []flyway.Migration
}

// Database is the database and login role name.
func (s Spec) Database() string { return naming.AppDatabase(s.App).Value }

// MigrationsHash changes whenever a migration file is added, renamed or
// edited: it is what makes a deploy re-run Flyway.
func (s Spec) MigrationsHash() string { return flyway.ContentHash(s.Migrations) }

func (s Spec) validate(variant string) error {
	var errs []error
	if s.Project == "" {
		errs = append(errs, fmt.Errorf("appdatabase.%s: Project is required", variant))
	}
	if s.App == "" {
		errs = append(errs, fmt.Errorf("appdatabase.%s: App is required", variant))
	}
	return errors.Join(errs...)
}
