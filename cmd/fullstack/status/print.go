package status

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// printReport renders the report for a person: one block per
// environment, one line per app.
func printReport(out io.Writer, r *Report) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	envs := []*Environment{r.Staging}
	envs = append(envs, r.Previews...)
	envs = append(envs, r.Production)
	for _, e := range envs {
		if e == nil {
			continue
		}
		release := e.ReleaseNote
		if e.Release != nil {
			release = fmt.Sprintf("release %s (commit %s, %s)", e.Release.ID, short(e.Release.Commit), ago(e.Release.Time))
		}
		fmt.Fprintf(w, "%s\t%s\n", strings.ToUpper(e.Name), release)
		for _, a := range e.Apps {
			since := ""
			if !a.Since.IsZero() {
				since = "since " + ago(a.Since)
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", a.App, a.Health, short(a.Digest), since, a.Detail)
		}
		fmt.Fprintln(w)
	}
	if len(r.Backups) > 0 {
		fmt.Fprintln(w, "BACKUPS (home)\t")
		for _, b := range r.Backups {
			when := "never"
			if !b.Time.IsZero() {
				when = ago(b.Time)
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", b.Database, b.Result, when, b.File)
		}
		fmt.Fprintln(w)
	}
	if r.Alerts != nil {
		fmt.Fprintf(w, "ALERTS (home)\t%d active\n", len(r.Alerts))
		for _, a := range r.Alerts {
			name := a.Name
			if a.Event {
				name += " (event)"
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", name, a.Target, a.Severity, ago(a.Since), a.Summary)
		}
		fmt.Fprintln(w)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "could not read: %s\n", p)
	}
	w.Flush()
}

// short is a digest or commit as people compare them: 12 hex digits.
func short(s string) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func ago(t time.Time) string {
	d := time.Since(t).Round(time.Second)
	switch {
	case d < time.Minute:
		return d.String() + " ago"
	case d < 48*time.Hour:
		return d.Round(time.Minute).String() + " ago"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
