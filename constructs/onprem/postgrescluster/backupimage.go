package postgrescluster

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/contenthash"
	"github.com/homecloud-dev/fullstack/pinned"
)

// ResticImage is the official restic image, pinned; the backup image
// copies its binary.
const ResticImage = pinned.Restic

// BackupImageDockerfile is the backup sidecar's image: the cluster's own
// image (pg_dump, pg_restore and a server of the same major version, for
// the restore drill) with restic added from its official image.
func BackupImageDockerfile(clusterImage string) string {
	return "FROM " + ResticImage + " AS restic\n" +
		"FROM " + clusterImage + "\n" +
		"COPY --from=restic /usr/bin/restic /usr/local/bin/restic\n" +
		// The secrets' volume is seeded from this directory: root's alone
		// (the drill's scratch server runs as postgres).
		"RUN install -d -m 0700 /run/secrets\n"
}

// ImageContext is the backup image's build context on disk.
type ImageContext struct {
	// Dir holds the Dockerfile (absolute).
	Dir string
	// Hash fingerprints Dir (contenthash.Dir).
	Hash string
}

// PrepareBackupImage writes the build context of the backup image for the
// cluster image postgres:<imageTag> into dir (whatever it held is
// replaced) and hashes it.
func PrepareBackupImage(dir, imageTag string) (ImageContext, error) {
	if !filepath.IsAbs(dir) {
		return ImageContext{}, fmt.Errorf("backup image context %q: must be an absolute path", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return ImageContext{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ImageContext{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(BackupImageDockerfile(ClusterImage(imageTag))), 0o644); err != nil {
		return ImageContext{}, err
	}
	hash, err := contenthash.Dir(dir)
	if err != nil {
		return ImageContext{}, err
	}
	return ImageContext{Dir: dir, Hash: hash}, nil
}

// ClusterImage is the official postgres image of imageTag.
func ClusterImage(imageTag string) string { return pinned.PostgresRepository + ":" + imageTag }
