package preview

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/homecloud-dev/fullstack/internal/clirun"
	"github.com/homecloud-dev/fullstack/stacks"
)

// up creates or updates preview n from the checkout and prints its URL
// (and writes url=<URL> to $GITHUB_OUTPUT in a workflow).
func (h *home) up(n int, commit string) error {
	if err := h.checkStaging(); err != nil {
		return err
	}
	unlock, err := h.lockPreview(n)
	if err != nil {
		return err
	}
	defer unlock()
	rec, err := h.reserve(n, commit)
	if err != nil {
		return err
	}
	passwords, err := databasePasswords(h.dir(n), h.databaseApps())
	if err != nil {
		return err
	}
	env := h.env(n, passwords)
	dir, err := h.synth(n, env)
	if err != nil {
		return err
	}
	fmt.Fprintf(h.stdout, "==> preview %d: terraform apply\n", n)
	if err := clirun.Terraform(dir, env, "apply", "-auto-approve", "-input=false"); err != nil {
		return fmt.Errorf("%w\nThe preview keeps what was created; fix and run `preview up %d` again, or `preview down %d`", err, n, n)
	}
	shown, err := clirun.TerraformOutput(dir, env, "output", "-json")
	if err != nil {
		return err
	}
	var outs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(shown), &outs); err != nil {
		return fmt.Errorf("terraform output: %w", err)
	}
	_ = json.Unmarshal(outs[stacks.PreviewURLOutput].Value, &rec.URL)
	_ = json.Unmarshal(outs[stacks.PreviewURLsOutput].Value, &rec.URLs)
	rec.Deployed = time.Now().UTC()
	if err := saveRecord(h.dir(n), rec); err != nil {
		return err
	}
	fmt.Fprintf(h.stdout, "Preview %d runs %s at %s\n", n, shortCommit(rec.Commit), rec.URL)
	for app, url := range rec.URLs {
		fmt.Fprintf(h.stdout, "  %s: %s\n", app, url)
	}
	if out := os.Getenv("GITHUB_OUTPUT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(f, "url=%s\n", rec.URL)
	}
	return nil
}

// reserve takes preview n's place (refusing one beyond the limit) and
// records the commit it is about to run, before anything is deployed: a
// preview whose first deploy fails is listed and pruned like any other.
func (h *home) reserve(n int, commit string) (record, error) {
	unlock, err := h.lock()
	if err != nil {
		return record{}, err
	}
	defer unlock()
	recs, err := loadRecords(h.previewsDir)
	if err != nil {
		return record{}, err
	}
	if err := checkRoom(recs, n, h.p.OnPrem.Previews.Max); err != nil {
		return record{}, err
	}
	rec := record{Number: n, Created: time.Now().UTC()}
	for _, r := range recs {
		if r.Number == n {
			rec = r
		}
	}
	rec.Commit = commit
	if err := os.MkdirAll(h.dir(n), 0o700); err != nil {
		return record{}, err
	}
	return rec, saveRecord(h.dir(n), rec)
}

// shortCommit is a commit's first 12 characters.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	if c == "" {
		return "(no commit)"
	}
	return c
}
