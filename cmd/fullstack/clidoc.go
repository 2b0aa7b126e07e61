package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// cliDoc is docs/cli.md: the subcommands, the exit codes, and each
// subcommand's help exactly as `fullstack <subcommand> -h` prints it.
func cliDoc() string {
	var b strings.Builder
	b.WriteString(`# The fullstack command

One command line for the release path and operations: ` + "`go run ./cmd/fullstack <subcommand> [flags]`" + `
in the repository, or a built binary (` + "`go build -o .bin/ ./cmd/fullstack`" + `, then
` + "`.bin/fullstack <subcommand>`" + `). ` + "`fullstack help`" + ` lists the subcommands and
` + "`fullstack <subcommand> -h`" + ` prints one's usage and flags. This page is generated from that
help (` + "`FULLSTACK_UPDATE_DOCS=1 go test ./cmd/fullstack`" + ` rewrites it).

` + "`cmd/synthbench`" + ` stays a program of its own: a developer's benchmark that re-executes
itself for every measured run, not something a user of the library runs.

There is no ` + "`rollback`" + ` subcommand: a rollback is a production deploy of an earlier
release (` + "`FULLSTACK_ROLLBACK=yes FULLSTACK_RELEASE=release.json npx cdktf deploy cloud`" + `), and
it runs where production deploys run, in the ` + "`rollback`" + ` workflow under the production
environment's role. Its other steps are subcommands: ` + "`releases list`" + ` and ` + "`fetch`" + `,
` + "`verify`" + `, ` + "`verify-production`" + ` and ` + "`releases record-production -rollback`" + `
([releases](releases.md#rollback)).

## Exit codes

| code | meaning |
| --- | --- |
| 0 | done; every check passed (also ` + "`-h`" + `) |
| 1 | the operation failed or a check refused; the message on stderr says why |
| 2 | bad usage: an unknown subcommand or flag, a missing argument; ` + "`logs`" + `, ` + "`scan`" + ` and ` + "`status`" + ` also for a project or list they cannot read |
| 130 | interrupted (Ctrl-C or SIGTERM): ` + "`backup`" + ` stops at once and removes the secrets it wrote; ` + "`emulator`" + `, ` + "`logs -follow`" + ` and ` + "`demo -keep`" + ` treat Ctrl-C as their normal end and exit 0 |

## Subcommands

`)
	b.WriteString("```text\n")
	usage(&b)
	b.WriteString("```\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\n### %s\n\n```text\n%s```\n", c.name, help(c))
	}
	return b.String()
}

// help is what `fullstack <c> -h` prints.
func help(c command) string {
	var out bytes.Buffer
	_ = c.run(context.Background(), []string{"-h"}, &out, io.Discard)
	return out.String()
}
