package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// FlagSet is subcommand name's flag set; its usage is doc (the synopsis
// first: "usage: fullstack <name> ...") and then the flags.
func FlagSet(name, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), strings.TrimSpace(doc))
		if HasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// HasFlags says whether fs defines any flag.
func HasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// Parse parses args with fs. -h or --help prints the usage to stdout and
// returns flag.ErrHelp (exit 0); a bad flag prints the problem and the
// usage to stderr and returns a usage error (exit 2).
func Parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return Help(fs, stdout)
	}
	return UsageError(fs, stderr, err)
}

// Help prints fs's usage to w and returns flag.ErrHelp.
func Help(fs *flag.FlagSet, w io.Writer) error {
	fs.SetOutput(w)
	fs.Usage()
	return flag.ErrHelp
}

// UsageError prints err and fs's usage to stderr and returns it as a
// reported usage error.
func UsageError(fs *flag.FlagSet, stderr io.Writer, err error) error {
	fmt.Fprintf(stderr, "fullstack %s: %v\n", fs.Name(), err)
	fs.SetOutput(stderr)
	fs.Usage()
	return &Error{Code: ExitUsage, Err: err, Reported: true}
}

// IsHelp says whether arg asks for help.
func IsHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}
