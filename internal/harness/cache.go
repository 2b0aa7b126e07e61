package harness

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// RemoveCache deletes everything CacheDir holds (the private engine's
// images, the Debian base, the tools the test command built) and returns
// how many bytes it freed. It refuses while an engine runs on it, since
// removing a live data root would break that run.
func RemoveCache(cacheDir string) (int64, error) {
	if _, err := os.Stat(cacheDir); os.IsNotExist(err) {
		return 0, nil
	}
	lock, err := os.OpenFile(filepath.Join(cacheDir, "docker.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return 0, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return 0, fmt.Errorf("%s is in use by a running demo or test (its Docker engine holds docker.lock): stop it first", cacheDir)
	}
	var size int64
	_ = filepath.WalkDir(cacheDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	if err := os.RemoveAll(cacheDir); err != nil {
		return 0, fmt.Errorf("removing %s: %w", cacheDir, err)
	}
	return size, nil
}
