// Package release (`fullstack release`) records what a passing staging deploy runs, after
// `cdktf deploy onprem`: it checks every API's health path and every
// site's index and /api/, confirms that each image digest the deploy
// pushed is in the home registry and is what the app's container runs,
// and only then signs each image in the home registry and the manifest
// (cosign format, with the release runner's private key) and writes it to
// <onprem state dir>/releases/<id>.json and <id>.json.sig (and -out, for a
// workflow artifact). A failing check writes nothing and exits 1; so does
// a missing signing key (never replaced by a new one).
//
//	go run ./cmd/fullstack release -generate-key     # once: cosign.key in the state dir, cosign.pub here
//	npx cdktf deploy onprem --auto-approve && go run ./cmd/fullstack release -out release.json
//	go run ./cmd/fullstack release -list     # the home server's releases, oldest first
//	go run ./cmd/fullstack release -path ID  # where release ID's manifest is (rollback)
//
// The private key is FULLSTACK_SIGNING_KEY, else <state dir>/cosign.key;
// its password is COSIGN_PASSWORD. The public keys are release.public_keys.
// The manifest records the git ref (-ref, else GITHUB_REF, else the
// checkout's branch), the workflow run and the runner.
//
// It reads the project file (-project or FULLSTACK_PROJECT), the onprem
// state (FULLSTACK_STATE_DIR or onprem.state_dir), the commit (-commit,
// else GITHUB_SHA, else git rev-parse HEAD), and the registry credentials
// (TF_VAR_onprem_registry_username/password) when the registry has them.
package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

const usage = `usage: fullstack release [-out FILE] | -generate-key | -list | -path ID | -notify-failure MESSAGE [flags]

Records what a passing staging deploy runs: checks every app, confirms each
image digest runs, then signs the images and the manifest and writes it to
the onprem state dir.`

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("release", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	commit := fs.String("commit", "", "source commit of the deploy (default $GITHUB_SHA, else git rev-parse HEAD)")
	out := fs.String("out", "", "also write the manifest here (e.g. a workflow artifact)")
	list := fs.Bool("list", false, "list the home server's releases and exit")
	show := fs.String("path", "", "print the manifest path of release `ID` (checked: readable and sealed by this home server) and exit")
	attempts := fs.Int("attempts", 10, "tries per check, 2 s apart (a fresh container may still be starting)")
	ref := fs.String("ref", "", "git ref the release is built from (default $GITHUB_REF, else refs/heads/<checkout's branch>)")
	generate := fs.Bool("generate-key", false, "create the signing key pair (private key in the state dir or $FULLSTACK_SIGNING_KEY, public key at release.public_keys[0]) and exit; never replaces a key")
	failed := fs.String("notify-failure", "", "tell the home server's Alertmanager that the staging deploy failed, with this `MESSAGE` (the workflow's failure step), and exit")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	if *failed != "" {
		return notifyFailure(stdout, p, *commit, *failed)
	}
	stateDir, err := p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
	if err != nil {
		return err
	}
	if *list {
		return listReleases(stdout, stateDir)
	}
	if *show != "" {
		return printPath(stdout, p, stateDir, *show)
	}
	password, err := release.Password(os.LookupEnv)
	if err != nil {
		return err
	}
	keyPath := release.PrivateKeyPath(stateDir, os.Getenv)
	if *generate {
		pub := p.PublicKeyPaths()[0]
		if err := release.GenerateKeyPair(keyPath, pub, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "signing key written to %s (back it up with its password, off this machine); public key to %s: commit it\n", keyPath, pub)
		return nil
	}
	// The key is checked before anything runs: no key, no release.
	signer, err := release.LoadSigner(keyPath, password)
	if err != nil {
		return fmt.Errorf("no release was written: %w", err)
	}
	keys, err := release.ProjectKeys(p)
	if err != nil {
		return fmt.Errorf("no release was written: %w", err)
	}
	if err := keys.Trusts(signer); err != nil {
		return fmt.Errorf("no release was written: %w", err)
	}
	if *commit == "" {
		if *commit, err = headCommit(p.Dir); err != nil {
			return err
		}
	}
	source, err := buildSource(p.Dir, *ref)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := record(ctx, p, stateDir, *commit, *attempts)
	if err != nil {
		return fmt.Errorf("no release was written:\n%w", err)
	}
	m.Source = source
	if err := m.Validate(); err != nil {
		return fmt.Errorf("no release was written:\n%w", err)
	}
	signStart := time.Now()
	home := release.HomeRegistry(p.OnPrem, m.Registry, os.Getenv)
	for _, img := range m.Images() {
		if err := signer.SignImage(ctx, home, img.Repository, img.Digest); err != nil {
			return fmt.Errorf("no release was written: sign %s@%s: %w", img.Repository, img.Digest, err)
		}
	}
	path, err := release.SaveSigned(release.Dir(stateDir), m, signer)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := release.CopySigned(path, *out); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "release %s: %d checks passed; %d images and the manifest signed in %s; written to %s (+%s) in %s\n",
		m.ID, len(m.Checks), len(m.Images()), time.Since(signStart).Round(time.Millisecond), path, release.SignatureSuffix, time.Since(start).Round(time.Millisecond))
	for _, img := range m.Images() {
		fmt.Fprintf(stdout, "  %s@%s\n", img.Repository, img.Digest)
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

func listReleases(stdout io.Writer, stateDir string) error {
	dir := release.Dir(stateDir)
	ids, err := release.List(dir)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Fprintf(stdout, "no releases in %s\n", dir)
		return nil
	}
	for _, id := range ids {
		m, err := release.Load(filepath.Join(dir, id+".json"))
		if err != nil {
			fmt.Fprintf(stdout, "%s  unreadable: %v\n", id, err)
			continue
		}
		fmt.Fprintf(stdout, "%s  commit %s  %s  %d apps\n", id, m.Commit, m.Created.Format(time.RFC3339), len(m.Apps))
	}
	return nil
}

// printPath prints release id's manifest path after checking it loads and
// verifies with the project's public keys.
func printPath(stdout io.Writer, p *config.Project, stateDir, id string) error {
	keys, err := release.ProjectKeys(p)
	if err != nil {
		return err
	}
	path := filepath.Join(release.Dir(stateDir), id+".json")
	if _, _, err := release.LoadVerified(path, keys); err != nil {
		return fmt.Errorf("%w (go run ./cmd/fullstack release -list shows the releases)", err)
	}
	fmt.Fprintln(stdout, path)
	return nil
}

// buildSource is where this release is built: the ref, the workflow run
// (GitHub's variables) and the runner.
func buildSource(dir, ref string) (release.Source, error) {
	if ref == "" {
		ref = os.Getenv("GITHUB_REF")
	}
	if ref == "" {
		cmd := exec.Command("git", "symbolic-ref", "-q", "HEAD")
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			return release.Source{}, errors.New("no git ref: pass -ref refs/heads/<branch> (not on a branch, and GITHUB_REF is not set)")
		}
		ref = strings.TrimSpace(string(out))
	}
	run := release.RunURL(os.Getenv)
	runner := os.Getenv("RUNNER_NAME")
	if runner == "" {
		runner, _ = os.Hostname()
	}
	return release.Source{Ref: ref, Run: run, Runner: runner}, nil
}
