package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster/pgconfig"
	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/naming"
)

// appDatabase creates what the on-prem app-database construct creates: a
// login role, a database it owns, and no privileges for PUBLIC. It returns
// a connection as the app role to its database.
func appDatabase(ctx context.Context, t *testing.T, pg *harness.Postgres, app string) *pgx.Conn {
	t.Helper()
	admin, err := pgx.Connect(ctx, pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	db := naming.AppDatabase(app).Value
	pw := "app-password-" + db
	for _, sql := range []string{
		fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s'`, db, pw),
		fmt.Sprintf(`CREATE DATABASE %s OWNER %s ENCODING 'UTF8'`, db, db),
		fmt.Sprintf(`REVOKE ALL ON DATABASE %s FROM PUBLIC`, db),
	} {
		if _, err := admin.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", db, pw, pg.Host, pg.Port, db))
	if err != nil {
		t.Fatalf("connect as %s: %v", db, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func newPostgres(t *testing.T) *harness.Postgres {
	return harnesstest.PostgresT(t, harness.PostgresOptions{
		InitdbArgs: pgconfig.InitdbArgs,
		Settings:   map[string]string{"password_encryption": pgconfig.ServerSettings["password_encryption"]},
	})
}

// TestRepositoryMigrations applies every app's migrations from the
// repository in Flyway order, uses the schema, and checks a second run
// changes nothing.
func TestRepositoryMigrations(t *testing.T) {
	inShortLane(t)
	p := loadRepoProject(t)
	pg := newPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	apps := 0
	for _, a := range p.Apps {
		if !a.Database.Enabled {
			continue
		}
		apps++
		ms, err := flyway.Load(p.MigrationsDir(a.Name))
		if err != nil {
			t.Fatal(err)
		}
		conn := appDatabase(ctx, t, pg, a.Name)
		done, err := harness.Migrate(ctx, conn, ms)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		var files []string
		for _, m := range ms {
			files = append(files, m.File)
		}
		if !slices.Equal(done, files) || len(done) == 0 {
			t.Errorf("%s: applied %v, want %v", a.Name, done, files)
		}
		again, err := harness.Migrate(ctx, conn, ms)
		if err != nil || len(again) != 0 {
			t.Errorf("%s: second run applied %v (%v), want nothing", a.Name, again, err)
		}
		var ranks int
		if err := conn.QueryRow(ctx, "select count(*) from flyway_schema_history where success").Scan(&ranks); err != nil || ranks != len(ms) {
			t.Errorf("%s: %d history rows (%v), want %d", a.Name, ranks, err, len(ms))
		}
		if a.Name == "notes-api" {
			useNotesSchema(ctx, t, conn)
		}
	}
	if apps == 0 {
		t.Fatal("the repository project has no app with a database")
	}
}

// useNotesSchema exercises the sample API's schema.
func useNotesSchema(ctx context.Context, t *testing.T, conn *pgx.Conn) {
	t.Helper()
	var id int64
	if err := conn.QueryRow(ctx, `insert into notes (title, body) values ('first', 'hello') returning id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `insert into note_tags (note_id, tag) values ($1, 'home'), ($1, 'ideas')`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `insert into note_tags (note_id, tag) values ($1, 'Not Valid')`, id); err == nil {
		t.Error("a tag violating the check was accepted")
	}
	var before, after time.Time
	if err := conn.QueryRow(ctx, `select updated_at from notes where id = $1`, id).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `update notes set body = 'changed' where id = $1 returning updated_at`, id).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if !after.After(before) {
		t.Errorf("the trigger did not touch updated_at: %v -> %v", before, after)
	}
	var tags []string
	if err := conn.QueryRow(ctx, `select tags from note_summaries where id = $1`, id).Scan(&tags); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tags, []string{"home", "ideas"}) {
		t.Errorf("note_summaries tags = %v", tags)
	}
}

func writeMigrations(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, sql := range files {
		writeFile(t, filepath.Join(dir, name), sql)
	}
	return dir
}

// TestBrokenMigration fails with the file name and PostgreSQL's error,
// keeps what succeeded before it, and records nothing for it.
func TestBrokenMigration(t *testing.T) {
	inShortLane(t)
	pg := newPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := appDatabase(ctx, t, pg, "broken-app")
	dir := writeMigrations(t, map[string]string{
		"V1__create_items.sql": "create table items (id bigint primary key);",
		"V2__typo.sql":         "create table more_items (id bigint primary key,, name text);",
		"V3__after.sql":        "create table after_items (id bigint);",
	})
	ms, err := flyway.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	done, err := harness.Migrate(ctx, conn, ms)
	if err == nil {
		t.Fatal("a broken migration succeeded")
	}
	if !strings.Contains(err.Error(), "V2__typo.sql: migration failed: syntax error at or near \",\" (SQLSTATE 42601)") {
		t.Errorf("error = %v", err)
	}
	if !slices.Equal(done, []string{"V1__create_items.sql"}) {
		t.Errorf("applied %v, want only V1", done)
	}
	var exists bool
	if err := conn.QueryRow(ctx, "select to_regclass('more_items') is not null or to_regclass('after_items') is not null").Scan(&exists); err != nil || exists {
		t.Errorf("tables of the failed or later migrations exist (%v)", err)
	}
	var recorded int
	if err := conn.QueryRow(ctx, "select count(*) from flyway_schema_history where version = '2'").Scan(&recorded); err != nil || recorded != 0 {
		t.Errorf("the failed migration was recorded (%d, %v)", recorded, err)
	}
}

// TestChangedMigrations: an edited versioned migration is refused, an
// edited repeatable one re-runs alone.
func TestChangedMigrations(t *testing.T) {
	inShortLane(t)
	pg := newPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := appDatabase(ctx, t, pg, "changing-app")
	dir := writeMigrations(t, map[string]string{
		"V1__create.sql": "create table t (id int);",
		"R__view.sql":    "create or replace view v as select 1 as one;",
	})
	ms, _ := flyway.Load(dir)
	if _, err := harness.Migrate(ctx, conn, ms); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "R__view.sql"), "create or replace view v as select 1 as one, 2 as two;")
	ms, _ = flyway.Load(dir)
	done, err := harness.Migrate(ctx, conn, ms)
	if err != nil || !slices.Equal(done, []string{"R__view.sql"}) {
		t.Errorf("changed repeatable: applied %v, %v", done, err)
	}
	writeFile(t, filepath.Join(dir, "V1__create.sql"), "create table t (id bigint);")
	ms, _ = flyway.Load(dir)
	if _, err := harness.Migrate(ctx, conn, ms); err == nil || !strings.Contains(err.Error(), "V1__create.sql: checksum mismatch") {
		t.Errorf("edited applied migration: %v", err)
	}
	os.Remove(filepath.Join(dir, "V1__create.sql"))
}

// TestPublicCannotConnect checks the revoked PUBLIC privileges: another
// login role cannot connect to an app's database.
func TestPublicCannotConnect(t *testing.T) {
	inShortLane(t)
	pg := newPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	appDatabase(ctx, t, pg, "private-app")
	admin, err := pgx.Connect(ctx, pg.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE ROLE other LOGIN PASSWORD 'other-password-123'`); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://other:other-password-123@%s:%d/private_app?sslmode=disable", pg.Host, pg.Port))
	if err == nil {
		c.Close(ctx)
		t.Fatal("another role connected to the app's database")
	}
	if !strings.Contains(err.Error(), "permission denied for database") {
		t.Errorf("want a permission error, got %v", err)
	}
}
