package harness

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRemoveCacheRefusesWhileAnEngineRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fullstack")
	os.MkdirAll(filepath.Join(dir, "docker-data"), 0o755)
	os.WriteFile(filepath.Join(dir, "docker-data", "layer"), make([]byte, 1000), 0o644)
	held, err := os.OpenFile(filepath.Join(dir, "docker.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveCache(dir); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("removed a cache in use: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "docker-data", "layer")); err != nil {
		t.Fatal("a refused removal removed something")
	}
	held.Close()
	freed, err := RemoveCache(dir)
	if err != nil || freed != 1000 {
		t.Fatalf("freed %d, err %v", freed, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("the cache is still there")
	}
}
