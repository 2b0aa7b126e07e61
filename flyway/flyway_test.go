package flyway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func dirWith(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadOrdersLikeFlyway(t *testing.T) {
	dir := dirWith(t, map[string]string{
		"V10__later.sql":       "select 10;",
		"V2__second.sql":       "select 2;",
		"V1__first.sql":        "select 1;",
		"V1_1__patch.sql":      "select 11;",
		"R__b_view.sql":        "select 'b';",
		"R__a_function.sql":    "select 'a';",
		"README.md":            "not a migration",
		"V2.0.1__sub_step.sql": "select 201;",
	})
	ms, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range ms {
		order = append(order, m.File)
	}
	want := "V1__first.sql V1_1__patch.sql V2__second.sql V2.0.1__sub_step.sql V10__later.sql R__a_function.sql R__b_view.sql"
	if strings.Join(order, " ") != want {
		t.Errorf("order = %v\nwant   %s", order, want)
	}
	if ms[1].Version != "1.1" || ms[1].Description != "patch" || ms[5].Description != "a function" || ms[5].Kind != Repeatable {
		t.Errorf("parsed = %+v / %+v", ms[1], ms[5])
	}
}

func TestLoadRejectsBadMigrations(t *testing.T) {
	dir := dirWith(t, map[string]string{
		"V1__first.sql":       "select 1;",
		"V1.0__again.sql":     "select 1;",
		"V01__zero.sql":       "select 1;",
		"V2_missing.sql":      "select 2;",
		"V3__empty.sql":       "  \n",
		"create_table.sql":    "select 1;",
		"Vx__letters.sql":     "select 1;",
		"U1__undo.sql":        "select 1;",
		"R__view.sql":         "select 1;",
		"V4__fine.sql":        "select 4;",
		"V5__ .sql":           "select 5;",
		"R__view_copy.sql":    "select 1;",
		"V6__has spaces.sql ": "",
		"afterMigrate.sql":    "select 1;",
	})
	_, err := Load(dir)
	if err == nil {
		t.Fatal("bad migrations accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		"V2_missing.sql: is not a Flyway name: separate version and description with two underscores",
		"V3__empty.sql: is empty",
		"create_table.sql: is not a Flyway name: use V<version>__<description>.sql",
		"Vx__letters.sql: is not a Flyway name: the version must be numbers",
		"U1__undo.sql: undo (U) and baseline (B) migrations are not supported",
		"V5__ .sql: is not a Flyway name",
		"afterMigrate.sql: is a Flyway callback, which the migration image does not carry",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, ": version 1 is already used by"); n != 2 {
		t.Errorf("V1, V01 and V1.0 are one version: want 2 duplicates, got %d:\n%s", n, msg)
	}
	for _, fine := range []string{"V4__fine.sql", "R__view.sql", "R__view_copy.sql"} {
		if strings.Contains(msg, fine+":") {
			t.Errorf("a valid file was reported: %s\n%s", fine, msg)
		}
	}
}

func TestLoadMissingDir(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
}

func TestChecksumAndContentHash(t *testing.T) {
	if checksum([]byte("select 1;\nselect 2;\n")) != checksum([]byte("select 1;\r\nselect 2;\r\n")) {
		t.Error("line endings must not change the checksum")
	}
	if checksum([]byte("select 1;")) == checksum([]byte("select 2;")) {
		t.Error("content must change the checksum")
	}
	a := []Migration{{File: "V1__a.sql", SQL: []byte("select 1;")}}
	b := []Migration{{File: "V1__a.sql", SQL: []byte("select 2;")}}
	c := []Migration{{File: "V1__b.sql", SQL: []byte("select 1;")}}
	same := []Migration{{File: "V1__a.sql", SQL: []byte("select 1;")}}
	if ContentHash(a) == ContentHash(b) || ContentHash(a) == ContentHash(c) || ContentHash(a) != ContentHash(same) {
		t.Error("content hash must follow names and contents")
	}
}

// A migration image's folder holds fullstack's callback beside the
// migrations: the stand-in reads the migrations and leaves it out.
func TestLoadSkippingCallbacks(t *testing.T) {
	dir := dirWith(t, map[string]string{"V1__first.sql": "select 1;", "afterMigrate__app_role.sql": "select 2;", "beforeMigrate.sql": "select 3;"})
	ms, err := LoadSkippingCallbacks(dir)
	if err != nil || len(ms) != 1 || ms[0].File != "V1__first.sql" {
		t.Errorf("got %v %v, want only V1__first.sql", ms, err)
	}
	if !IsCallback("afterMigrate__app_role.sql") || IsCallback("V1__afterMigrate.sql") || IsCallback("R__after.sql") {
		t.Error("IsCallback misnames a file")
	}
}
