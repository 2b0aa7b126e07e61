// Package scan (`fullstack scan`) checks synthesized stacks with Trivy's Terraform checks
// and holds every finding against the accepted list, each with its
// reason (security/accepted-findings.yaml):
//
//	npx cdktf synth && go run ./cmd/fullstack scan               # cdktf.out/stacks
//	go run ./cmd/fullstack scan -dir "$FULLSTACK_SCAN_SPOOL" -strict   # what the test command does
//
// Exit 0 when every finding is accepted; 1 when any is not (each is
// listed with Trivy's resolution), or, with -strict, when an acceptance
// matches nothing any more; 2 on bad flags or an unreadable list.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/securityscan"
)

const usage = `usage: fullstack scan [-dir DIR] [-strict] [flags]

Checks synthesized stacks with Trivy's Terraform checks and holds every
finding against the accepted list (security/accepted-findings.yaml). Exit 1
when a finding is not accepted (or, with -strict, an acceptance matches
nothing); 2 on bad flags or an unreadable list.`

// Run runs the subcommand.
func Run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	return cli.WithCode(run(args, stdout, stderr))
}

func run(args []string, out, stderr io.Writer) (int, error) {
	fs := cli.FlagSet("scan", usage)
	dir := fs.String("dir", "cdktf.out/stacks", "directory of synthesized stacks (<stack>/cdk.tf.json), searched recursively")
	acceptedFile := fs.String("accepted", securityscan.AcceptedFile, "accepted findings, each with its reason")
	trivy := fs.String("trivy", securityscan.TrivyPath(), "Trivy binary (scripts/setup builds "+securityscan.TrivyVersion+")")
	strict := fs.Bool("strict", false, "also fail when an accepted finding matches nothing")
	verbose := fs.Bool("v", false, "list accepted findings too")
	if err := cli.Parse(fs, args, out, stderr); err != nil {
		return cli.Code(err), err
	}
	accepted, err := securityscan.LoadAccepted(*acceptedFile)
	if err != nil {
		return 2, err
	}
	if _, err := os.Stat(*trivy); err != nil {
		return 2, fmt.Errorf("trivy not found at %s: run ./scripts/setup (it builds trivy %s), or pass -trivy", *trivy, securityscan.TrivyVersion)
	}
	stacks, unchecked, err := securityscan.Stacks(*dir)
	if err != nil {
		return 2, err
	}
	if len(stacks) == 0 { // a scan of nothing would pass
		return 2, fmt.Errorf("no synthesized stack (%s) under %s: run npx cdktf synth first", securityscan.StackFile, *dir)
	}
	findings, err := securityscan.ScanExcept(*trivy, *dir, unchecked)
	if err != nil {
		return 2, err
	}
	v := securityscan.Judge(findings, accepted)
	fmt.Fprintf(out, "scanned %d synthesized stacks in %s: %d findings, %d accepted, %d not accepted\n",
		len(stacks)-len(unchecked), *dir, len(findings), len(v.Accepted), len(v.Unaccepted))
	if len(unchecked) > 0 {
		fmt.Fprintf(out, "passed over %d stacks that hold only docker, postgresql and other resources Trivy has no checks for\n", len(unchecked))
	}
	summarize(out, v, *verbose)
	var failures []string
	for _, f := range v.Unaccepted {
		failures = append(failures, fmt.Sprintf("not accepted: %s\n    fix: %s", f, f.Resolution))
	}
	if *strict {
		for _, a := range v.Unused {
			failures = append(failures, fmt.Sprintf("%s: accepted %s matches no finding any more: remove it", *acceptedFile, a.Where()))
		}
	}
	if len(failures) > 0 {
		return 1, errors.New(strings.Join(failures, "\n") +
			"\nfix the stack, or accept the finding in " + *acceptedFile + " with its reason")
	}
	return 0, nil
}

// summarize prints each accepted check once, with how often it matched.
func summarize(out io.Writer, v securityscan.Verdict, verbose bool) {
	counts := map[string]int{}
	for _, f := range v.Accepted {
		counts[f.ID+" "+f.Title]++
		if verbose {
			fmt.Fprintf(out, "  accepted %s\n", f.Finding)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(out, "  accepted x%-3d %s\n", counts[k], k)
	}
}
