package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
)

// Every subcommand answers -h with its usage on stdout and exit 0, and
// refuses a bad flag with its usage on stderr and exit 2.
func TestHelpAndUsageExitCodes(t *testing.T) {
	ctx := context.Background()
	for _, c := range commands {
		var out, errOut bytes.Buffer
		if code := run(ctx, []string{c.name, "-h"}, &out, &errOut); code != cli.ExitOK || !strings.Contains(out.String(), "usage: fullstack "+c.name) {
			t.Errorf("%s -h: exit %d, stdout %q", c.name, code, out.String())
		}
		out.Reset()
		if code := run(ctx, []string{c.name, "-no-such-flag"}, &out, &errOut); code != cli.ExitUsage || !strings.Contains(errOut.String(), "flag provided but not defined") {
			t.Errorf("%s -no-such-flag: exit %d, stderr %q", c.name, code, errOut.String())
		}
	}
	for _, args := range [][]string{nil, {"nope"}} {
		var out, errOut bytes.Buffer
		if code := run(ctx, args, &out, &errOut); code != cli.ExitUsage || !strings.Contains(errOut.String(), "subcommands:") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		var out bytes.Buffer
		if code := run(ctx, args, &out, &out); code != cli.ExitOK || !strings.Contains(out.String(), "verify-production") {
			t.Errorf("%q: exit %d, stdout %q", args, code, out.String())
		}
	}
	var out bytes.Buffer
	if code := run(ctx, []string{"help", "promote"}, &out, &out); code != cli.ExitOK || !strings.Contains(out.String(), "-mark-running") {
		t.Errorf("help promote: exit %d, %q", code, out.String())
	}
}

// docs/cli.md is the real help; FULLSTACK_UPDATE_DOCS=1 rewrites it.
func TestCLIDoc(t *testing.T) {
	t.Setenv("FULLSTACK_PROJECT", "") // flag defaults as on a fresh checkout
	path := filepath.Join("..", "..", "docs", "cli.md")
	want := cliDoc()
	got, err := os.ReadFile(path)
	if err == nil && string(got) == want {
		return
	}
	if os.Getenv("FULLSTACK_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/cli.md differs from the subcommands' help (%v): run FULLSTACK_UPDATE_DOCS=1 go test ./cmd/fullstack -run TestCLIDoc, and review the change", err)
}
