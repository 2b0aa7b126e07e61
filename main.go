// Command fullstack synthesizes the project's Terraform stacks ("onprem",
// "cloud-bootstrap" and "cloud") from the project file. cdktf.json runs it for
// `cdktf synth|diff|deploy`.
//
// The project file is fullstack.yaml in the working directory, or the path
// given by -project or FULLSTACK_PROJECT. FULLSTACK_AWS_ENDPOINT turns on
// the AWS emulator mode (cloud.emulator.endpoint) without editing the file;
// FULLSTACK_AWS_CA_BUNDLE names the CA of the emulator's HTTPS certificate.
// FULLSTACK_STATE_DIR moves local state files (default: the working
// directory, as cdktf does; for onprem, onprem.state_dir).
// FULLSTACK_DOCKER_HOST overrides onprem.docker_host.
// FULLSTACK_ONPREM_DELETE_DATA=yes lifts prevent_destroy from the on-prem
// data volumes; cmd/fullstack/teardown -delete-data sets it.
// FULLSTACK_RELEASE names a release manifest (cmd/fullstack/release): it must be
// signed (FULLSTACK_RELEASE + ".sig") by a key of release.public_keys and
// built from cloud.github.branch; the cloud stack then runs exactly its
// image digests, and refuses it unless its migrations and site files are
// the checkout's. FULLSTACK_ROLLBACK=yes deploys such a release on this
// checkout's infrastructure instead: its migrations need only be a prefix
// of the checkout's.
// FULLSTACK_PREVIEW=<n> synthesizes only pull request n's preview stack,
// "preview-<n>" (cmd/fullstack/preview runs it).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
	"github.com/homecloud-dev/fullstack/stacks"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("fullstack", flag.ContinueOnError)
	path := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	project, err := config.LoadWithEnv(*path, os.Getenv)
	if err != nil {
		return fmt.Errorf("fullstack: %w", err)
	}
	deleteData, err := yesNo("FULLSTACK_ONPREM_DELETE_DATA")
	if err != nil {
		return err
	}
	if err := config.CheckSecrets(project, os.LookupEnv); err != nil {
		return fmt.Errorf("fullstack: a sensitive variable has problems:\n%w", err)
	}
	opts := stacks.Options{StateDir: os.Getenv("FULLSTACK_STATE_DIR"), DeleteOnPremData: deleteData}
	if v := os.Getenv("FULLSTACK_PREVIEW"); v != "" {
		if opts.Preview, err = strconv.Atoi(v); err != nil || opts.Preview < 1 {
			return fmt.Errorf("fullstack: FULLSTACK_PREVIEW %q must be a pull request number", v)
		}
	}
	if opts.Rollback, err = yesNo("FULLSTACK_ROLLBACK"); err != nil {
		return err
	}
	if path := os.Getenv("FULLSTACK_RELEASE"); path != "" {
		if opts.Release, _, err = release.VerifiedFor(project, path); err != nil {
			return fmt.Errorf("fullstack: FULLSTACK_RELEASE: %w\nnothing was synthesized", err)
		}
		fmt.Println(release.SchemaNote(opts.Release))
	} else if opts.Rollback {
		return fmt.Errorf("fullstack: FULLSTACK_ROLLBACK=yes needs FULLSTACK_RELEASE (the release to roll back to)")
	}
	// Every stack is built (and every error found) before anything is
	// written, so a bad project leaves no partial cdktf.out behind.
	app := cdktf.NewApp(nil)
	if _, err := stacks.Build(app, project, opts); err != nil {
		return fmt.Errorf("fullstack: cannot build the stacks:\n%w", err)
	}
	app.Synth()
	closeJSII()
	return nil
}

// yesNo reads a yes/no variable (empty is no).
func yesNo(name string) (bool, error) {
	switch v := os.Getenv(name); v {
	case "", "no":
		return false, nil
	case "yes":
		return true, nil
	default:
		return false, fmt.Errorf("fullstack: %s %q must be yes or no", name, v)
	}
}

// closeJSII stops the jsii runtime. jsii-runtime-go waits for its node
// process twice (in Close and in a watcher goroutine); whichever loses the
// race reports "Runtime process exited abnormally: waitid: no child
// processes" although node exited cleanly, and cdktf shows it as [ERROR]
// on a good synth. Only that report is dropped; anything else jsii writes
// still reaches stderr.
func closeJSII() {
	real := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		jsii.Close()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		out, _ := io.ReadAll(r)
		text := strings.ReplaceAll(string(out), "Runtime process exited abnormally: waitid: no child processes", "")
		real.WriteString(text)
	}()
	os.Stderr = w
	jsii.Close()
	// The watcher reports right after its wait returns: give it that moment.
	time.Sleep(50 * time.Millisecond)
	os.Stderr = real
	w.Close()
	<-done
}
