package release

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Dir is where a home server keeps its releases, below the on-prem state
// directory: releases/<id>.json, one file per passing staging deploy.
func Dir(stateDir string) string { return filepath.Join(stateDir, "releases") }

// WriteFileAtomic writes data to path through a temporary file and a
// rename.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".release-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Load reads and parses a manifest file; the error names the file.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", path, err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", path, err)
	}
	return m, nil
}

// List are the release ids in dir, oldest first (ids start with their
// UTC time).
func List(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok && idRE.MatchString(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
