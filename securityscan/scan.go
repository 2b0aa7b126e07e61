package securityscan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// TrivyVersion is the Trivy release scripts/setup builds.
const TrivyVersion = "v0.74.0"

// TrivyPath is where scripts/setup puts Trivy: the tools cache
// ($FULLSTACK_CACHE_DIR, default ~/.cache/fullstack, as for the private
// engine's images), outside the clone, so a clean clone does not rebuild it.
func TrivyPath() string {
	dir := os.Getenv("FULLSTACK_CACHE_DIR")
	if dir == "" {
		base, _ := os.UserCacheDir()
		dir = filepath.Join(base, "fullstack")
	}
	return filepath.Join(dir, "tools", "trivy-"+TrivyVersion, "trivy")
}

// Finding is one failed check on one resource of one stack.
type Finding struct {
	Stack    string
	ID       string
	Severity string
	Title    string
	// Resource is the Terraform address, e.g. aws_lb_listener.edge_http_1A2B.
	Resource   string
	Resolution string
}

// ResourceType is the resource's type (the address before the first dot).
func (f Finding) ResourceType() string {
	t, _, _ := strings.Cut(f.Resource, ".")
	return t
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s on %s: %s", f.Stack, f.ID, f.Severity, f.Resource, f.Title)
}

// Scan runs Trivy's misconfiguration checks over dir, where each
// subdirectory holds one stack's cdk.tf.json (cdktf.out/stacks, or the
// test command's spool, <hash>/<stack>/). Stacks are named by their
// directory.
//
// A stack whose every resource is of a provider Trivy has no checks for
// (Stacks' unchecked ones) is passed over: it could yield nothing, and
// the home stacks, the largest, took most of the scan's time.
func Scan(trivy, dir string) ([]Finding, error) {
	_, unchecked, err := Stacks(dir)
	if err != nil {
		return nil, err
	}
	return ScanExcept(trivy, dir, unchecked)
}

// ScanExcept is Scan over dir but the stack directories in skip (relative
// to dir): for a caller that has listed the stacks already (Stacks).
func ScanExcept(trivy, dir string, skip []string) ([]Finding, error) {
	cache, err := os.MkdirTemp("", "trivy-cache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	// Offline by design: the checks embedded in the pinned binary, no
	// update, so a scan means the same on every run and machine.
	args := []string{"config", "--skip-check-update", "--cache-dir", cache, "--format", "json", "--exit-code", "0"}
	for _, d := range skip {
		args = append(args, "--skip-dirs", d)
	}
	cmd := exec.Command(trivy, append(args, dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s config %s: %w\n%s", trivy, dir, err, stderr.String())
	}
	// A stack Trivy cannot parse yields no findings and exit 0: its log
	// is the only sign, so any error there fails the scan.
	if errs := logErrors(stderr.String()); len(errs) > 0 {
		return nil, fmt.Errorf("trivy could not read every stack under %s:\n%s", dir, strings.Join(errs, "\n"))
	}
	var report struct {
		Results []struct {
			Target            string
			Misconfigurations []struct {
				ID, Severity, Title, Resolution, Status string
				CauseMetadata                           struct{ Resource string }
			}
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		return nil, fmt.Errorf("reading trivy's report: %w", err)
	}
	var out []Finding
	for _, r := range report.Results {
		stack := filepath.Base(filepath.Dir(r.Target))
		for _, m := range r.Misconfigurations {
			if m.Status != "" && m.Status != "FAIL" {
				continue
			}
			out = append(out, Finding{Stack: stack, ID: m.ID, Severity: m.Severity, Title: m.Title,
				Resource: m.CauseMetadata.Resource, Resolution: m.Resolution})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// logErrors are the ERROR lines of Trivy's log, but the one it always
// writes when it is told not to download checks (it then uses the ones
// built into the binary, which is what the scan wants).
func logErrors(log string) []string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "\tERROR\t") && !strings.Contains(line, "Falling back to embedded checks") {
			out = append(out, line)
		}
	}
	return out
}

// Verdict splits findings by the accepted list.
type Verdict struct {
	// Accepted pairs each accepted finding with what accepts it.
	Accepted []AcceptedFinding
	// Unaccepted fail the scan.
	Unaccepted []Finding
	// Unused are acceptances that matched no finding.
	Unused []Acceptance
}

// AcceptedFinding is a finding with the acceptance that covers it.
type AcceptedFinding struct {
	Finding
	By Acceptance
}

// Judge holds findings against the accepted list.
func Judge(findings []Finding, accepted []Acceptance) Verdict {
	var v Verdict
	used := make([]bool, len(accepted))
	for _, f := range findings {
		matched := false
		for i, a := range accepted {
			if a.Matches(f) {
				used[i] = true
				if !matched {
					v.Accepted = append(v.Accepted, AcceptedFinding{Finding: f, By: a})
				}
				matched = true
			}
		}
		if !matched {
			v.Unaccepted = append(v.Unaccepted, f)
		}
	}
	for i, a := range accepted {
		if !used[i] {
			v.Unused = append(v.Unused, a)
		}
	}
	return v
}
