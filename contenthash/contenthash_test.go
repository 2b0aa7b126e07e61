package contenthash

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirFollowsContentNamesAndModes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	hash := func() string {
		t.Helper()
		h, err := Dir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	write("main.go", "package main", 0o644)
	write("Dockerfile", "FROM scratch", 0o644)
	base := hash()
	if hash() != base {
		t.Fatal("not stable")
	}
	write(".git/HEAD", "ref", 0o644)
	if hash() != base {
		t.Error(".git must not count")
	}
	write("main.go", "package main // changed", 0o644)
	changed := hash()
	if changed == base {
		t.Error("content change not seen")
	}
	write("main.go", "package main // changed", 0o755)
	executable := hash()
	if executable == changed {
		t.Error("executable bit not seen")
	}
	// Compared with the hash just before the rename: only the name differs.
	if err := os.Rename(filepath.Join(dir, "main.go"), filepath.Join(dir, "app.go")); err != nil {
		t.Fatal(err)
	}
	if hash() == executable {
		t.Error("rename not seen")
	}
	if _, err := Dir(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing dir accepted")
	}
}
