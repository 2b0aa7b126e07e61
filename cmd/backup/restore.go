package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/stacks"
)

// restic runs restic's image on the engine with the secrets directory
// mounted read-only and the given extra docker run arguments; it returns
// restic's standard output.
func (s server) restic(secrets string, dockerArgs []string, args ...string) (string, error) {
	run := []string{"run", "--rm",
		"-v", secrets + ":/secrets:ro",
		"-e", "RESTIC_REPOSITORY=" + s.p.OnPrem.Offsite.Repository,
		"-e", "RESTIC_PASSWORD_FILE=/secrets/password",
		"-e", "AWS_SHARED_CREDENTIALS_FILE=/secrets/credentials",
	}
	if r := s.p.OnPrem.Offsite.Region; r != "" {
		run = append(run, "-e", "AWS_DEFAULT_REGION="+r)
	}
	run = append(append(run, dockerArgs...), postgrescluster.ResticImage)
	return s.dockerOutput(append(run, args...)...)
}

// latestSnapshot is the time of this server's newest snapshot.
func (s server) latestSnapshot(secrets string) (time.Time, error) {
	out, err := s.restic(secrets, nil, "--no-cache", "snapshots", "--json", "--host", s.resticHost(), "latest")
	if err != nil {
		return time.Time{}, err
	}
	var snaps []struct {
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal([]byte(out), &snaps); err != nil {
		return time.Time{}, fmt.Errorf("restic snapshots: %w", err)
	}
	if len(snaps) == 0 {
		return time.Time{}, fmt.Errorf("%s holds no snapshot of %s: nothing to restore", s.p.OnPrem.Offsite.Repository, s.resticHost())
	}
	return snaps[0].Time, nil
}

// restoreState fills an empty state directory from the newest snapshot:
// the release manifests and signatures, the signing key and the Terraform
// state. On an engine without the project's PostgreSQL (a new disk), each
// Terraform state is set aside: it describes containers that are gone,
// and a plan would try to read them from servers that are not running.
// The next deploy then creates everything under the same names.
func (s server) restoreState() error {
	stateDir, err := s.p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(stateDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("the state directory %s is not empty: restore-state only fills an empty one (move it away first); nothing was changed", stateDir)
	}
	secrets, err := s.offsiteSecrets()
	if err != nil {
		return err
	}
	defer os.RemoveAll(secrets)
	taken, err := s.latestSnapshot(secrets)
	if err != nil {
		return err
	}
	// Beside the state directory, so it moves into place in one rename.
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(stateDir)), 0o700); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp(filepath.Dir(filepath.Clean(stateDir)), ".restore-state-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	// As the caller, so the files are theirs; no cache (no home there).
	user := fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid())
	from := postgrescluster.OffsitePath(stacks.OffsiteState)
	if _, err := s.restic(secrets, []string{"--user", user, "-v", scratch + ":/out"},
		"--no-cache", "restore", "latest", "--host", s.resticHost(), "--include", from, "--target", "/out"); err != nil {
		return err
	}
	restored := filepath.Join(scratch, from)
	if _, err := os.Stat(restored); err != nil {
		return fmt.Errorf("the snapshot of %s holds no state directory (%s)", taken.Format(time.RFC3339), from)
	}
	_ = os.Remove(stateDir) // empty, checked above
	if err := os.Rename(restored, stateDir); err != nil {
		return err
	}
	fmt.Printf("backup: restored %s from the snapshot of %s\n", stateDir, taken.UTC().Format(time.RFC3339))
	if _, err := s.dockerOutput("container", "inspect", postgrescluster.ContainerName(s.p.Name)); err == nil {
		fmt.Println("backup: the engine still runs the project: the Terraform state stays in place")
		return nil
	}
	suffix := ".from-backup-" + taken.UTC().Format("20060102T150405Z")
	err = filepath.WalkDir(stateDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tfstate") {
			return err
		}
		fmt.Printf("backup: set aside %s as %s (this engine runs none of it)\n", path, filepath.Base(path)+suffix)
		return os.Rename(path, path+suffix)
	})
	if err != nil {
		return err
	}
	fmt.Println("backup: next: `cdktf deploy onprem`, then `go run ./cmd/backup restore-data`")
	return nil
}

// restoreData brings back, after a deploy, what the newest snapshot holds
// beside the state: the registry's storage (merged: what the deploy has
// pushed since stays) and each database from its newest dump there.
func (s server) restoreData() error {
	secrets, err := s.offsiteSecrets()
	if err != nil {
		return err
	}
	defer os.RemoveAll(secrets)
	backupName := postgrescluster.BackupName(s.p.Name)
	if _, err := s.dockerOutput("container", "inspect", backupName); err != nil {
		return fmt.Errorf("%s is not on the engine: deploy the onprem stack first (`cdktf deploy onprem`), then run restore-data; nothing was changed", backupName)
	}
	taken, err := s.latestSnapshot(secrets)
	if err != nil {
		return err
	}
	reg := postgrescluster.OffsitePath(stacks.OffsiteRegistry)
	// cp -n: a file the deploy wrote since (a tag it pushed again) wins
	// over the snapshot's; blobs are named by their content.
	script := strings.Join([]string{
		"set -e",
		`restic --no-cache restore latest --host "$0" --include ` + reg + ` --include ` + postgrescluster.SidecarBackupDir + ` --target /tmp/r`,
		"mkdir -p /tmp/r" + reg + " /tmp/r" + postgrescluster.SidecarBackupDir,
		"cp -Rn /tmp/r" + reg + "/. /data/registry/",
		"cp -Rn /tmp/r" + postgrescluster.SidecarBackupDir + "/. /data/backup/",
		"ls -1 /tmp/r" + postgrescluster.SidecarBackupDir,
	}, "\n")
	listing, err := s.restic(secrets, []string{"--entrypoint", "sh",
		"-v", registry.DataVolumeName(s.p.Name) + ":/data/registry",
		"-v", postgrescluster.BackupName(s.p.Name) + ":/data/backup"},
		"-c", script, s.resticHost())
	if err != nil {
		return err
	}
	fmt.Printf("backup: the registry's storage and the dumps of %s are back\n", taken.UTC().Format(time.RFC3339))
	// The registry reads its storage afresh.
	if _, err := s.dockerOutput("restart", registry.ContainerName(s.p.Name)); err != nil {
		return err
	}
	var failed []string
	for _, db := range s.databases() {
		archive := newestDump(listing, db)
		if archive == "" {
			failed = append(failed, db+" (no dump in the snapshot)")
			continue
		}
		if err := s.exec(postgrescluster.RestoreCommand, db, archive); err != nil {
			failed = append(failed, db+" ("+err.Error()+")")
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("not restored: %s", strings.Join(failed, "; "))
	}
	fmt.Println("backup: every database is back; `cdktf plan onprem` should show no changes")
	return nil
}

// databases are staging's app databases.
func (s server) databases() []string {
	var out []string
	for _, a := range s.p.Apps {
		if a.Database.Enabled {
			out = append(out, naming.AppDatabase(a.Name).Value)
		}
	}
	return out
}

// newestDump is the newest "<db>-<UTC time>.dump" in an ls listing.
func newestDump(listing, db string) string {
	pattern := regexp.MustCompile(`^` + regexp.QuoteMeta(db) + `-[0-9]{8}T[0-9]{6}Z\.dump$`)
	var dumps []string
	for _, line := range strings.Fields(listing) {
		if pattern.MatchString(line) {
			dumps = append(dumps, line)
		}
	}
	if len(dumps) == 0 {
		return ""
	}
	sort.Strings(dumps)
	return dumps[len(dumps)-1]
}
