package demo

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

// report prints one line per step with the time it took, keeps the
// per-phase times for the summary, and points at the log on failure:
// the full cdktf and Terraform output goes to log files, not the screen.
type report struct {
	out, errOut io.Writer
	start       time.Time
	phases      []phaseTime
	lines       []string // summary lines, in order
	// up lists what is deployed and where, printed while it runs (and
	// kept for the summary, which comes after the teardown).
	up []string
}

type phaseTime struct {
	name string
	took time.Duration
}

func newReport(out, errOut io.Writer) *report {
	return &report{out: out, errOut: errOut, start: time.Now()}
}

// step runs fn as one step: "[mm:ss] what ... ok (took)" or the error.
func (r *report) step(what string, fn func() error) error {
	fmt.Fprintf(r.out, "[%s] %s ... ", clock(time.Since(r.start)), what)
	start := time.Now()
	err := fn()
	took := time.Since(start)
	r.phases = append(r.phases, phaseTime{what, took})
	var skip skipped
	if errors.As(err, &skip) {
		fmt.Fprintf(r.out, "skipped: %s\n", skip.reason)
		r.note("%s: skipped (%s)", what, skip.reason)
		return nil
	}
	if err != nil {
		fmt.Fprintf(r.out, "FAILED (%s)\n", took.Round(time.Second))
		return err
	}
	fmt.Fprintf(r.out, "ok (%s)\n", took.Round(time.Second))
	return nil
}

// task is one step of together: what it does, and the work.
type task struct {
	what string
	fn   func() error
}

// together runs tasks at once (they share nothing): one line when they
// start, then "[mm:ss]   what ... ok (took)" for each as it ends, the
// time being its start. It returns every task's error, joined.
func (r *report) together(tasks ...task) error {
	begin := time.Since(r.start)
	fmt.Fprintf(r.out, "[%s] at once:\n", clock(begin))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i, tk := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := tk.fn()
			took := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			r.phases = append(r.phases, phaseTime{tk.what, took})
			result := fmt.Sprintf("ok (%s)", took.Round(time.Second))
			if err != nil {
				result = fmt.Sprintf("FAILED (%s)", took.Round(time.Second))
				errs[i] = fmt.Errorf("%s: %w", tk.what, err)
			}
			fmt.Fprintf(r.out, "[%s]   %s ... %s\n", clock(begin), tk.what, result)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// skipped is a step that could not run on this machine, and why: the
// step line says so instead of "ok".
type skipped struct{ reason string }

func (s skipped) Error() string { return s.reason }

// note adds a line to the summary.
func (r *report) note(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

// deployed records a line of what is up and where.
func (r *report) deployed(format string, args ...any) {
	r.up = append(r.up, fmt.Sprintf(format, args...))
}

// printDeployed shows what is up now, before anything is removed.
func (r *report) printDeployed() {
	if len(r.up) == 0 {
		return
	}
	fmt.Fprintln(r.out, "\nUp now (removed at the end; go run ./cmd/fullstack demo -keep keeps it up until Ctrl-C):")
	for _, l := range r.up {
		fmt.Fprintln(r.out, indent("  ", l))
	}
	fmt.Fprintln(r.out)
}

// summary prints the notes, what was deployed and the time of every
// phase.
func (r *report) summary() {
	fmt.Fprintf(r.out, "\nSummary (%s in all)\n", time.Since(r.start).Round(time.Second))
	for _, l := range r.lines {
		fmt.Fprintln(r.out, "  "+l)
	}
	if len(r.up) > 0 {
		fmt.Fprintln(r.out, "  Deployed, and removed again:")
		for _, l := range r.up {
			fmt.Fprintln(r.out, indent("    ", l))
		}
	}
	fmt.Fprintln(r.out, "  Time per step:")
	for _, p := range r.phases {
		fmt.Fprintf(r.out, "    %-58s %6s\n", p.name, p.took.Round(time.Second))
	}
}

// failed explains a failure: the last lines of the log and its path.
func failed(err error, log string) error {
	raw, readErr := os.ReadFile(log)
	if readErr != nil {
		return err
	}
	return fmt.Errorf("%w\nlast lines of %s:\n%s", err, log, harness.LastLines(raw, 25))
}

func clock(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// indent puts prefix before each line of l (a deployed line may hold a
// map output's lines).
func indent(prefix, l string) string {
	return prefix + strings.ReplaceAll(l, "\n", "\n"+prefix)
}
