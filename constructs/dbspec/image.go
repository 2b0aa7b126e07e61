package dbspec

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/flyway"
)

// MigrationDockerfile builds an app's migration image: the pinned Flyway
// image with the migrations and the app role callback
// (AppRoleCallbackFile) in its SQL folder. Built once on the home
// server, it runs the migrations there and, promoted by digest, on AWS.
//
// /tmp is a VOLUME: on AWS the task runs with a read-only root and /tmp as
// a task volume, which Fargate fills with the image's /tmp (mode 1777)
// only when the image declares it; otherwise it is an empty directory
// only root may write.
const MigrationDockerfile = "FROM " + FlywayImage + "\nCOPY sql/ " + FlywaySQLDir + "/\nVOLUME [\"/tmp\"]\n"

// MigrationContext is a migration image's build context on disk.
type MigrationContext struct {
	// Dir holds the Dockerfile and sql/ (absolute).
	Dir string
	// Hash fingerprints Dir (contenthash.Dir).
	Hash string
}

// PrepareMigrationContext writes the build context of ms into dir
// (whatever it held is replaced) and hashes it.
func PrepareMigrationContext(dir string, ms []flyway.Migration) (MigrationContext, error) {
	if !filepath.IsAbs(dir) {
		return MigrationContext{}, fmt.Errorf("migration image context %q: must be an absolute path", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return MigrationContext{}, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "sql"), 0o755); err != nil {
		return MigrationContext{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(MigrationDockerfile), 0o644); err != nil {
		return MigrationContext{}, err
	}
	for _, m := range ms {
		if err := os.WriteFile(filepath.Join(dir, "sql", m.File), m.SQL, 0o644); err != nil {
			return MigrationContext{}, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "sql", AppRoleCallbackFile), []byte(AppRoleCallback), 0o644); err != nil {
		return MigrationContext{}, err
	}
	hash, err := contenthash.Dir(dir)
	if err != nil {
		return MigrationContext{}, err
	}
	return MigrationContext{Dir: dir, Hash: hash}, nil
}
