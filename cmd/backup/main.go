// Command backup runs and restores the home server's backups.
//
//	go run ./cmd/backup now            # one round now: dumps, the off-site copy, the restore drill
//	go run ./cmd/backup drill [-local] # the restore drill alone (-local: from the backup volume)
//	go run ./cmd/backup snapshots      # the off-site repository's snapshots of this server
//	go run ./cmd/backup restore-state  # disaster recovery, step 1: the state directory from the bucket
//	go run ./cmd/backup restore-data   # disaster recovery, step 3 (after a deploy): images and databases
//
// A round runs in the postgres-backup container, as the daily schedule
// does. The restores run restic (its official image) on the engine, with
// the repository's password and the bucket's keys from the same variables
// the deploy reads: TF_VAR_onprem_offsite_password,
// TF_VAR_onprem_offsite_access_key_id and
// TF_VAR_onprem_offsite_secret_access_key. docs/onprem.md, "Backups and
// disaster recovery", has the whole sequence.
//
// Exit codes: 0 done; 1 a step failed (the message names it); 2 bad usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/homecloud-dev/fullstack/config"
)

// errUsage exits 2.
var errUsage = errors.New("usage")

const usage = `usage: backup <command> [flags]

commands:
  now            one backup round now: dumps, the off-site copy, the restore drill
  drill          the restore drill alone (-local: from the backup volume, not recorded)
  snapshots      the off-site repository's snapshots of this server
  restore-state  disaster recovery, step 1: the state directory from the newest snapshot
                 (-snapshot ID: another one)
  restore-data   disaster recovery, step 3, after a deploy: the registry's images and every
                 database from the snapshot restore-state used (-snapshot ID: another one;
                 -force: replace databases that hold rows, dumping them first)

flags (every command):
  -project FILE  the project file (env FULLSTACK_PROJECT; default fullstack.yaml)`

func main() {
	// Interrupted, it still removes the secrets it wrote.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-interrupts
		removeSecrets()
		fmt.Fprintln(os.Stderr, "backup: interrupted")
		os.Exit(130)
	}()
	err := run(os.Args[1:])
	removeSecrets()
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "backup:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		return errUsage
	}
	command, args := args[0], args[1:]
	fs := flag.NewFlagSet("backup "+command, flag.ContinueOnError)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	local := fs.Bool("local", false, "drill: restore from the backup volume, not the off-site repository (not recorded)")
	snapshotID := fs.String("snapshot", "", "restore-state, restore-data: this snapshot (an ID or its start, as `snapshots` prints) instead of the default")
	force := fs.Bool("force", false, "restore-data: replace databases that hold rows (they are dumped first)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	p, err := config.Load(*project)
	if err != nil {
		return fmt.Errorf("the project file has problems:\n%w", err)
	}
	if err := config.ApplyEnv(p, os.Getenv); err != nil {
		return err
	}
	s := server{p: p}
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
	case "restore-data":
		return s.restoreData(*snapshotID, *force)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, command)
}
