package main

import (
	"context"
	"io"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/backup"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/demo"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/emulator"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/logs"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/preflight"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/preview"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/promote"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/pushimages"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/release"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/releases"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/scan"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/status"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/teardown"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/verify"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/verifyproduction"
)

// command is one subcommand: its name, what it does in one line, and its
// entry point.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// catchesSignals: the first Ctrl-C or SIGTERM ends ctx, which the
	// subcommand watches to clean up or to end normally; a second one
	// stops it at once. The others keep the default: the first signal
	// stops them.
	catchesSignals bool
}

// commands are the subcommands in the order help lists them: the release
// path first, then operations, then development.
var commands = []command{
	{"release", "record and sign what a passing staging deploy runs", release.Run, false},
	{"push-images", "build and push the apps' images and migration images to ECR (tag deploys)", pushimages.Run, false},
	{"promote", "copy a release's signed images from the home registry to ECR", promote.Run, false},
	{"verify", "check a release's signatures before production deploys it", verify.Run, false},
	{"verify-production", "check that production runs the release and answers", verifyproduction.Run, false},
	{"releases", "list, fetch and record the releases kept in the state bucket", releases.Run, false},
	{"preview", "run, remove, list and prune per-pull-request previews", preview.Run, false},
	{"status", "what runs where: releases, apps' health, backups", status.Run, false},
	{"logs", "one app's logs on staging or production", logs.Run, true},
	{"preflight", "check what would make an onprem deploy fail, and the runner", preflight.Run, false},
	{"backup", "run and restore the home server's backups", backup.Run, true},
	{"teardown", "remove the onprem stack, keeping its data unless told", teardown.Run, false},
	{"scan", "hold the synthesized stacks' Trivy findings against the accepted list", scan.Run, false},
	{"emulator", "run the local AWS emulator for deploying by hand", emulator.Run, true},
	{"demo", "the release path end to end on a local emulator", demo.Run, true},
}

// lookup finds the subcommand named name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}
