package backup

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

	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
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

// snapshot is one of this server's rounds in the repository.
type snapshot struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
}

func (sn snapshot) String() string {
	return sn.ID[:min(8, len(sn.ID))] + " of " + sn.Time.UTC().Format(time.RFC3339)
}

// snapshots are this server's rounds, oldest first.
func (s server) snapshots(secrets string) ([]snapshot, error) {
	out, err := s.restic(secrets, nil, "--no-cache", "snapshots", "--json", "--host", s.resticHost(), "--tag", "fullstack")
	if err != nil {
		return nil, err
	}
	var snaps []snapshot
	if err := json.Unmarshal([]byte(out), &snaps); err != nil {
		return nil, fmt.Errorf("restic snapshots: %w", err)
	}
	if len(snaps) == 0 {
		return nil, fmt.Errorf("%s holds no snapshot of %s: nothing to restore", s.p.OnPrem.Offsite.Repository, s.resticHost())
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].Time.Before(snaps[j].Time) })
	return snaps, nil
}

// pick is the snapshot whose ID starts with id, or (id "") the newest
// taken before before (zero: any).
func pick(snaps []snapshot, id string, before time.Time) (snapshot, error) {
	for i := len(snaps) - 1; i >= 0; i-- {
		sn := snaps[i]
		switch {
		case id != "" && strings.HasPrefix(sn.ID, id):
			return sn, nil
		case id == "" && (before.IsZero() || sn.Time.Before(before)):
			return sn, nil
		}
	}
	if id != "" {
		return snapshot{}, fmt.Errorf("-snapshot %s: no such snapshot of this server (backup snapshots lists them)", id)
	}
	return snapshot{}, fmt.Errorf("no snapshot taken before %s (when this engine's backup container was made): pass -snapshot", before.UTC().Format(time.RFC3339))
}

// restoredFrom records, in the restored state directory, the snapshot it
// came from: restore-data restores the same one.
const restoredFrom = ".restored-from-snapshot"

// restoreState fills an empty state directory from the newest snapshot:
// the release manifests and signatures, the signing key and the Terraform
// state. On an engine without the project's PostgreSQL (a new disk), each
// Terraform state is set aside: it describes containers that are gone,
// and a plan would try to read them from servers that are not running.
// The next deploy then creates everything under the same names.
func (s server) restoreState(id string) error {
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
	snaps, err := s.snapshots(secrets)
	if err != nil {
		return err
	}
	sn, err := pick(snaps, id, time.Time{})
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
		"--no-cache", "restore", sn.ID, "--include", from, "--target", "/out"); err != nil {
		return err
	}
	restored := filepath.Join(scratch, from)
	states, _ := filepath.Glob(filepath.Join(restored, "*.tfstate"))
	if len(states) == 0 {
		return fmt.Errorf("snapshot %s holds no Terraform state in %s (an empty state directory was copied?): pick an older one with -snapshot (backup snapshots lists them); nothing was changed", sn, from)
	}
	if err := os.WriteFile(filepath.Join(restored, restoredFrom), []byte(sn.ID+"\n"), 0o600); err != nil {
		return err
	}
	_ = os.Remove(stateDir) // empty, checked above
	if err := os.Rename(restored, stateDir); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "backup: restored %s from snapshot %s\n", stateDir, sn)
	running, err := s.exists(postgrescluster.ContainerName(s.p.Name))
	if err != nil {
		return err
	}
	if running {
		fmt.Fprintln(s.stdout, "backup: the engine still runs the project: the Terraform state stays in place")
		return nil
	}
	suffix := ".from-backup-" + sn.Time.UTC().Format("20060102T150405Z")
	err = filepath.WalkDir(stateDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tfstate") {
			return err
		}
		fmt.Fprintf(s.stdout, "backup: set aside %s as %s (this engine runs none of it)\n", path, filepath.Base(path)+suffix)
		return os.Rename(path, path+suffix)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(s.stdout, "backup: next: `cdktf deploy onprem`, then `go run ./cmd/fullstack backup restore-data`")
	return nil
}

// exists reports whether the engine has a container of that name; any
// other failure (engine down, no permission) is an error, never "no".
func (s server) exists(name string) (bool, error) {
	_, err := s.dockerOutput("container", "inspect", "--format", "{{.Created}}", name)
	switch {
	case err == nil:
		return true, nil
	case strings.Contains(err.Error(), "No such container") || strings.Contains(err.Error(), "No such object"):
		return false, nil
	}
	return false, err
}

// restoreData brings back, after a deploy, what a snapshot holds beside
// the state: the registry's storage (merged: what the deploy has pushed
// since stays) and each database from its newest dump there; then each
// app's Flyway runs again, so a dump older than the checkout's migrations
// is brought up to them, and the apps start again (restartApps). The
// snapshot is id, else the one restore-state used, else the newest taken
// before this engine's backup container was made (a round run since holds
// the new, empty databases). It refuses databases that hold rows unless
// force (then they are dumped first).
func (s server) restoreData(id string, force bool) error {
	secrets, err := s.offsiteSecrets()
	if err != nil {
		return err
	}
	backupName := postgrescluster.BackupName(s.p.Name)
	created, err := s.dockerOutput("container", "inspect", "--format", "{{.Created}}", backupName)
	if err != nil {
		return fmt.Errorf("%s is not on the engine (%v): deploy the onprem stack first (`cdktf deploy onprem`), then run restore-data; nothing was changed", backupName, err)
	}
	since, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(created))
	if err != nil {
		return fmt.Errorf("%s's creation time %q: %w", backupName, created, err)
	}
	if err := s.refuseLiveData(force); err != nil {
		return err
	}
	stateDir, err := s.p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(stateDir, restoredFrom)); err == nil && id == "" {
		id = strings.TrimSpace(string(b))
	}
	snaps, err := s.snapshots(secrets)
	if err != nil {
		return err
	}
	sn, err := pick(snaps, id, since)
	if err != nil {
		return err
	}
	reg := postgrescluster.OffsitePath(stacks.OffsiteRegistry)
	// cp -n: a file the deploy wrote since (a tag it pushed again) wins
	// over the snapshot's; blobs are named by their content.
	script := strings.Join([]string{
		"set -e",
		`restic --no-cache restore "$0" --include ` + reg + ` --include ` + postgrescluster.SidecarBackupDir + ` --target /tmp/r`,
		"mkdir -p /tmp/r" + reg + " /tmp/r" + postgrescluster.SidecarBackupDir,
		"cp -Rn /tmp/r" + reg + "/. /data/registry/",
		"cp -Rn /tmp/r" + postgrescluster.SidecarBackupDir + "/. /data/backup/",
		"ls -1 /tmp/r" + postgrescluster.SidecarBackupDir,
	}, "\n")
	listing, err := s.restic(secrets, []string{"--entrypoint", "sh",
		"-v", registry.DataVolumeName(s.p.Name) + ":/data/registry",
		"-v", postgrescluster.BackupName(s.p.Name) + ":/data/backup"},
		"-c", script, sn.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "backup: the registry's storage and the dumps of snapshot %s are back\n", sn)
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
	if err := s.migrateAgain(); err != nil {
		return err
	}
	if err := s.restartApps(); err != nil {
		return err
	}
	// Done with it: a later restore-data must not default to it.
	_ = os.Remove(filepath.Join(stateDir, restoredFrom))
	fmt.Fprintln(s.stdout, "backup: every database is back and migrated; `cdktf plan onprem` should show no changes")
	return nil
}

// refuseLiveData refuses to overwrite databases that hold rows (outside
// Flyway's history) unless force; with force it dumps them first.
func (s server) refuseLiveData(force bool) error {
	name := postgrescluster.BackupName(s.p.Name)
	var live []string
	for _, db := range s.databases() {
		out, err := s.dockerOutput("exec", name, "sh", "-c",
			`cp "$PGPASS_UPLOAD" "$PGPASSFILE" && chmod 600 "$PGPASSFILE" && psql -X -At --dbname="$0" -c "SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables WHERE relname <> 'flyway_schema_history'"`, db)
		if err != nil {
			return fmt.Errorf("database %s: %w", db, err)
		}
		if n := strings.TrimSpace(out); n != "0" {
			live = append(live, db+" ("+n+" rows)")
		}
	}
	if len(live) == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("these databases hold rows that the restore would replace: %s. restore-data is for a new engine after `cdktf deploy onprem`; to replace them anyway, pass -force (they are dumped first). Nothing was changed", strings.Join(live, ", "))
	}
	fmt.Fprintf(s.stdout, "backup: -force: dumping %s before replacing them\n", strings.Join(live, ", "))
	return s.exec(postgrescluster.BackupCommand)
}

// migrateAgain starts each app's Flyway container again: a restored
// history older than the checkout's migrations gets the rest.
func (s server) migrateAgain() error {
	for _, a := range s.p.Apps {
		if !a.Database.Enabled {
			continue
		}
		out, err := s.dockerOutput("ps", "-a", "--format", "{{.Names}}", "--filter", "name=^/"+appdatabase.FlywayName(s.p.Name, a.Name),
			// Flyway's runs carry the label; the container holding their files does not.
			"--filter", "label="+appdatabase.MigrationsHashLabel)
		if err != nil {
			return err
		}
		for _, name := range strings.Fields(out) {
			if err := s.docker("start", "--attach", name); err != nil {
				return fmt.Errorf("app %s: Flyway (%s) failed after the restore: %w", a.Name, name, err)
			}
		}
	}
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
