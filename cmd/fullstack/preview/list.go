package preview

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// list prints every preview: its age, its last deploy, its commit, its
// URL.
func (h *home) list(w io.Writer, now time.Time) error {
	recs, err := loadRecords(h.previewsDir)
	if len(recs) == 0 && err == nil {
		fmt.Fprintf(w, "No previews (of %d allowed).\n", h.p.OnPrem.Previews.Max)
		return nil
	}
	t := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(t, "PREVIEW\tAGE\tDEPLOYED\tCOMMIT\tURL")
	for _, r := range recs {
		deployed, url := "never", r.URL
		if !r.Deployed.IsZero() {
			deployed = since(now, r.Deployed) + " ago"
		}
		if url == "" {
			url = "-"
		}
		fmt.Fprintf(t, "pr-%d\t%s\t%s\t%s\t%s\n", r.Number, since(now, r.Created), deployed, shortCommit(r.Commit), url)
	}
	t.Flush()
	return err
}

// prune removes the previews not deployed within maxAge, then the least
// recently deployed beyond max.
func (h *home) prune(maxAge time.Duration, max int, now time.Time) error {
	recs, err := loadRecords(h.previewsDir)
	if err != nil {
		return err
	}
	gone := toPrune(recs, now, maxAge, max)
	if len(gone) == 0 {
		fmt.Fprintf(h.stdout, "Nothing to prune: %d previews, none idle for more than %s, at most %d kept.\n", len(recs), maxAge, max)
		return nil
	}
	var errs []error
	for _, r := range gone {
		errs = append(errs, h.pruneOne(r, now))
	}
	return errors.Join(errs...)
}

// pruneOne removes the preview r chose, unless it was deployed again
// since r was read (an up that held its lock while prune chose).
func (h *home) pruneOne(r record, now time.Time) error {
	unlock, err := h.lockPreview(r.Number)
	if err != nil {
		return err
	}
	defer unlock()
	if current, err := loadRecord(h.dir(r.Number)); err == nil && current.lastActive().After(r.lastActive()) {
		fmt.Fprintf(h.stdout, "==> keeping preview %d: it was deployed again while prune ran\n", r.Number)
		return nil
	}
	fmt.Fprintf(h.stdout, "==> pruning preview %d (last deployed %s ago)\n", r.Number, since(now, r.lastActive()))
	return h.downLocked(r.Number)
}

// since is the time from t to now, rounded for reading.
func since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
}
