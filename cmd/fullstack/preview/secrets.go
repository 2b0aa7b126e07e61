package preview

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// secretsFile holds a preview's database passwords (0600): generated once
// per preview, so no preview shares staging's (or another preview's)
// password, and its teardown can still plan.
const secretsFile = "secrets.json"

// databasePasswords are the preview's role passwords by app, generating
// those it lacks.
func databasePasswords(dir string, apps []string) (map[string]string, error) {
	path := filepath.Join(dir, secretsFile)
	out := map[string]string{}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &out); err != nil {
			return nil, err
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	changed := false
	for _, app := range apps {
		if len(out[app]) >= 24 {
			continue
		}
		// 128 random bits in base32: nothing to escape in .pgpass, Java
		// properties or SQL.
		out[app], changed = rand.Text(), true
	}
	if !changed {
		return out, nil
	}
	data, err = json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return out, os.WriteFile(path, data, 0o600)
}
