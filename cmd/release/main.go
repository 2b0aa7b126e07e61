// Command release records what a passing staging deploy runs, after
// `cdktf deploy onprem`: it checks every API's health path and every
// site's index and /api/, confirms that each image digest the deploy
// pushed is in the home registry and is what the app's container runs,
// and only then writes a sealed release manifest to
// <onprem state dir>/releases/<id>.json (and -out, for a workflow
// artifact). A failing check writes nothing and exits 1.
//
//	npx cdktf deploy onprem --auto-approve && go run ./cmd/release -out release.json
//	go run ./cmd/release -list     # the home server's releases, oldest first
//	go run ./cmd/release -path ID  # where release ID's manifest is (rollback)
//
// It reads the project file (-project or FULLSTACK_PROJECT), the onprem
// state (FULLSTACK_STATE_DIR or onprem.state_dir), the commit (-commit,
// else GITHUB_SHA, else git rev-parse HEAD), and the registry credentials
// (TF_VAR_onprem_registry_username/password) when the registry has them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	commit := fs.String("commit", "", "source commit of the deploy (default $GITHUB_SHA, else git rev-parse HEAD)")
	out := fs.String("out", "", "also write the manifest here (e.g. a workflow artifact)")
	list := fs.Bool("list", false, "list the home server's releases and exit")
	show := fs.String("path", "", "print the manifest path of release `ID` (checked: readable and sealed by this home server) and exit")
	attempts := fs.Int("attempts", 10, "tries per check, 2 s apart (a fresh container may still be starting)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	stateDir, err := p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	if *list {
		return listReleases(stateDir)
	}
	if *show != "" {
		return printPath(stateDir, *show)
	}
	if *commit == "" {
		if *commit, err = headCommit(p.Dir); err != nil {
			return err
		}
	}
	ctx := context.Background()
	m, err := record(ctx, p, stateDir, *commit, *attempts)
	if err != nil {
		return fmt.Errorf("no release was written:\n%w", err)
	}
	key, err := release.LoadOrCreateKey(stateDir)
	if err != nil {
		return err
	}
	if err := m.Sign(key); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("no release was written:\n%w", err)
	}
	path, err := release.Save(release.Dir(stateDir), m)
	if err != nil {
		return err
	}
	if *out != "" {
		data, _ := m.Encode()
		if err := release.WriteFileAtomic(*out, data); err != nil {
			return err
		}
	}
	fmt.Printf("release %s: %d checks passed; written to %s\n", m.ID, len(m.Checks), path)
	for _, img := range m.Images() {
		fmt.Printf("  %s@%s\n", img.Repository, img.Digest)
	}
	return nil
}

// headCommit is $GITHUB_SHA, else the checkout's HEAD.
func headCommit(dir string) (string, error) {
	if sha := os.Getenv("GITHUB_SHA"); sha != "" {
		return sha, nil
	}
	cmd := exec.Command("git", "rev-parse", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", errors.New("no commit: pass -commit <sha> (not a git checkout, and GITHUB_SHA is not set)")
	}
	return strings.TrimSpace(string(out)), nil
}

func listReleases(stateDir string) error {
	dir := release.Dir(stateDir)
	ids, err := release.List(dir)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Printf("no releases in %s\n", dir)
		return nil
	}
	for _, id := range ids {
		m, err := release.Load(filepath.Join(dir, id+".json"))
		if err != nil {
			fmt.Printf("%s  unreadable: %v\n", id, err)
			continue
		}
		fmt.Printf("%s  commit %s  %s  %d apps\n", id, m.Commit, m.Created.Format(time.RFC3339), len(m.Apps))
	}
	return nil
}

// printPath prints release id's manifest path after checking it loads and
// verifies.
func printPath(stateDir, id string) error {
	path := filepath.Join(release.Dir(stateDir), id+".json")
	m, err := release.Load(path)
	if err != nil {
		return fmt.Errorf("%w (go run ./cmd/release -list shows the releases)", err)
	}
	key, err := release.LoadKey(stateDir)
	if err != nil {
		return err
	}
	if err := m.Verify(key); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
