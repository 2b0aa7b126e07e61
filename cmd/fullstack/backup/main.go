// Package backup (`fullstack backup`) runs and restores the home server's backups.
//
//	go run ./cmd/fullstack backup now            # one round now: dumps, the off-site copy, the restore drill
//	go run ./cmd/fullstack backup drill [-local] # the restore drill alone (-local: from the backup volume)
//	go run ./cmd/fullstack backup snapshots      # the off-site repository's snapshots of this server
//	go run ./cmd/fullstack backup restore-state  # disaster recovery, step 1: the state directory from the bucket
//	go run ./cmd/fullstack backup restore-data   # disaster recovery, step 3 (after a deploy): images and databases
//
// A round runs in the postgres-backup container, as the daily schedule
// does. The restores run restic (its official image) on the engine, with
// the repository's password and the bucket's keys from the same variables
// the deploy reads: TF_VAR_onprem_offsite_password,
// TF_VAR_onprem_offsite_access_key_id and
// TF_VAR_onprem_offsite_secret_access_key. docs/onprem.md, "Backups and
// disaster recovery", has the whole sequence.
//
// Exit codes: 0 done; 1 a step failed (the message names it); 2 bad
// usage; 130 interrupted.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
)

const usage = `usage: fullstack backup <command> [flags]

Runs and restores the home server's backups.

commands:
  now            one backup round now: dumps, the off-site copy, the restore drill
  drill          the restore drill alone (-local: from the backup volume, not recorded)
  snapshots      the off-site repository's snapshots of this server
  restore-state  disaster recovery, step 1: the state directory from the newest snapshot
                 (-snapshot ID: another one)
  restore-data   disaster recovery, step 3, after a deploy: the registry's images and every
                 database from the snapshot restore-state used (-snapshot ID: another one;
                 -force: replace databases that hold rows, dumping them first); then
                 the apps with a database start again`

// Run runs the subcommand; interrupted (ctx ends), it returns at once
// and still removes the secrets it wrote.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	done := make(chan error, 1)
	go func() { done <- run(args, stdout, stderr) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = cli.Exit(cli.ExitInterrupted, errors.New("interrupted"))
	}
	removeSecrets()
	return err
}

func run(args []string, stdout, stderr io.Writer) error {
	command := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	fs := cli.FlagSet("backup", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	local := fs.Bool("local", false, "drill: restore from the backup volume, not the off-site repository (not recorded)")
	snapshotID := fs.String("snapshot", "", "restore-state, restore-data: this snapshot (an ID or its start, as `snapshots` prints) instead of the default")
	force := fs.Bool("force", false, "restore-data: replace databases that hold rows (they are dumped first)")
	if cli.IsHelp(command) {
		return cli.Help(fs, stdout)
	}
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	switch command {
	case "now", "drill", "snapshots", "restore-state", "restore-data":
	case "":
		return cli.UsageError(fs, stderr, errors.New("a command is required"))
	default:
		return cli.UsageError(fs, stderr, fmt.Errorf("unknown command %q", command))
	}
	p, err := config.Load(*project)
	if err != nil {
		return fmt.Errorf("the project file has problems:\n%w", err)
	}
	if err := config.ApplyEnv(p, os.Getenv); err != nil {
		return err
	}
	s := server{p: p, stdout: stdout, stderr: stderr}
	switch command {
	case "now":
		return s.exec(roundCommand)
	case "drill":
		if *local {
			return s.exec(drillCommand, "local")
		}
		return s.exec(drillCommand)
	case "snapshots":
		if err := s.needOffsite(); err != nil {
			return err
		}
		return s.exec("restic", "snapshots", "--host", s.resticHost())
	case "restore-state":
		return s.restoreState(*snapshotID)
	}
	return s.restoreData(*snapshotID, *force)
}
