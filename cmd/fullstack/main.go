// Command fullstack is the project's one command line: each subcommand
// (release, promote, status, logs, ...) is a package of its own here.
//
//	go run ./cmd/fullstack help              # the subcommands
//	go run ./cmd/fullstack <subcommand> -h   # one subcommand's usage and flags
//
// docs/cli.md has every subcommand's help and the exit codes (package cli).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// signalContext is ctx ended by the first Ctrl-C or SIGTERM; after it, the
// default comes back, so a second one stops the program at once.
func signalContext(ctx context.Context) context.Context {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	return ctx
}

// run runs the subcommand args name and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return cli.ExitUsage
	}
	name, args := args[0], args[1:]
	if cli.IsHelp(name) {
		if len(args) > 0 {
			// help <subcommand> is <subcommand> -h.
			name, args = args[0], []string{"-h"}
		} else {
			usage(stdout)
			return cli.ExitOK
		}
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "fullstack: unknown subcommand %q\n\n", name)
		usage(stderr)
		return cli.ExitUsage
	}
	if c.catchesSignals {
		ctx = signalContext(ctx)
	}
	err := c.run(ctx, args, stdout, stderr)
	if err != nil && !cli.Reported(err) && cli.Code(err) != cli.ExitOK {
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
	}
	return cli.Code(err)
}

// usage lists the subcommands, one line each.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: fullstack <subcommand> [flags]\n\nsubcommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n`fullstack <subcommand> -h` prints a subcommand's usage and flags; docs/cli.md has them all, and the exit codes.")
}
