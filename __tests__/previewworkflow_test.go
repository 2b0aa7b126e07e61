package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// evalIf evaluates a job's `if:` written as a conjunction of comparisons
// (a || b is allowed only as the whole expression) against an event
// context. Anything else is refused: the test must be able to prove what
// a condition admits, not guess.
func evalIf(expr string, ctx map[string]string) (bool, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return true, nil
	}
	if strings.Contains(expr, "||") {
		for _, alt := range strings.Split(expr, "||") {
			ok, err := evalIf(alt, ctx)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	term := regexp.MustCompile(`^\s*([a-z_.]+|'[^']*')\s*(==|!=)\s*([a-z_.]+|'[^']*')\s*$`)
	for _, part := range strings.Split(expr, "&&") {
		m := term.FindStringSubmatch(part)
		if m == nil {
			return false, fmt.Errorf("cannot evaluate %q", part)
		}
		value := func(operand string) (string, error) {
			if strings.HasPrefix(operand, "'") {
				return strings.Trim(operand, "'"), nil
			}
			v, ok := ctx[operand]
			if !ok {
				return "", fmt.Errorf("%s is not in the test's event context", operand)
			}
			return v, nil
		}
		l, err := value(m[1])
		if err != nil {
			return false, err
		}
		r, err := value(m[3])
		if err != nil {
			return false, err
		}
		if (m[2] == "==") != (l == r) {
			return false, nil
		}
	}
	return true, nil
}

// prEvent is the context of a pull_request event of action, from a fork
// or from a branch of the repository.
func prEvent(action string, fork bool) map[string]string {
	head := "acme/notes"
	if fork {
		head = "mallory/notes"
	}
	return map[string]string{
		"github.event_name": "pull_request_target", "github.event.action": action,
		"github.repository": "acme/notes", "github.event.pull_request.head.repo.full_name": head,
	}
}

// TestForkPullRequestsNeverReachTheHomeServer evaluates every self-hosted
// job's condition, in every workflow a pull request triggers, for a fork's
// pull request: none may run. Branches of the repository get their
// preview created, updated and removed.
//
// preview.yml runs on pull_request_target, so the workflow that runs is
// main's, never a pull request's edit of it: every self-hosted job of it
// runs in an environment (reviewers for up), and only up checks out the
// pull request's head, with no token left behind. No other workflow may
// use pull_request_target.
func TestForkPullRequestsNeverReachTheHomeServer(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	for _, f := range files {
		w := loadWorkflow(t, filepath.Base(f))
		_, target := w.On["pull_request_target"]
		if target && filepath.Base(f) != "preview.yml" {
			t.Errorf("%s runs on pull_request_target: only preview.yml may (approved, on its own runner)", filepath.Base(f))
		}
		if _, ok := w.On["pull_request"]; !ok && !target {
			continue
		}
		for name, j := range w.Jobs {
			if !j.selfHosted() {
				continue
			}
			if target && j.Environment == "" {
				t.Errorf("%s/%s runs on pull_request_target outside an environment", filepath.Base(f), name)
			}
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "actions/checkout@") && strings.Contains(s.With["ref"], "head") && (name != "up" || s.With["persist-credentials"] != "false") {
					t.Errorf("%s/%s checks out the pull request's head: only up may, without persisting the token", filepath.Base(f), name)
				}
			}
			for _, action := range []string{"opened", "synchronize", "reopened", "closed"} {
				runs, err := evalIf(j.If, prEvent(action, true))
				if err != nil {
					t.Errorf("%s/%s: %v", filepath.Base(f), name, err)
				} else if runs {
					t.Errorf("%s/%s runs on the home server for a fork's pull request (%s)", filepath.Base(f), name, action)
				}
			}
		}
	}
	w := loadWorkflow(t, "preview.yml")
	for _, c := range []struct {
		job, action string
		want        bool
	}{
		{"up", "opened", true}, {"up", "synchronize", true}, {"up", "reopened", true}, {"up", "closed", false},
		{"down", "closed", true}, {"down", "opened", false}, {"prune", "opened", false},
	} {
		if runs, err := evalIf(w.Jobs[c.job].If, prEvent(c.action, false)); err != nil || runs != c.want {
			t.Errorf("preview.yml/%s on a branch's pull request %s: runs %v (%v), want %v", c.job, c.action, runs, err, c.want)
		}
	}
	if runs, err := evalIf(w.Jobs["prune"].If, map[string]string{"github.event_name": "schedule"}); err != nil || !runs {
		t.Errorf("preview.yml/prune on the schedule: %v %v", runs, err)
	}
	if _, ok := w.On["schedule"]; !ok {
		t.Error("preview.yml has no schedule: idle previews would never be pruned")
	}
}

// TestPreviewWorkflow: per pull request, one run at a time; up, down and
// prune run cmd/fullstack/preview; the address is posted on the pull request; the
// superuser password comes from GitHub's secrets.
func TestPreviewWorkflow(t *testing.T) {
	w := loadWorkflow(t, "preview.yml")
	if !strings.Contains(w.Concurrency.Group, "github.event.pull_request.number") || w.Concurrency.CancelInProgress {
		t.Errorf("concurrency %+v: want a group per pull request, never cancelling a deploy", w.Concurrency)
	}
	if w.Jobs["up"].Environment != "preview" {
		t.Errorf("preview.yml/up must wait for the preview environment's reviewers, environment %q", w.Jobs["up"].Environment)
	}
	types := fmt.Sprint(w.On["pull_request_target"].(map[string]any)["types"])
	for _, want := range []string{"opened", "synchronize", "closed"} {
		if !strings.Contains(types, want) {
			t.Errorf("pull_request types %s lack %s", types, want)
		}
	}
	for job, want := range map[string]string{
		"up":    "go run ./cmd/fullstack preview up ${{ github.event.pull_request.number }}",
		"down":  "go run ./cmd/fullstack preview down ${{ github.event.pull_request.number }}",
		"prune": "go run ./cmd/fullstack preview prune",
	} {
		if !strings.Contains(w.Jobs[job].runs(), want) {
			t.Errorf("preview.yml/%s does not run %q", job, want)
		}
		if v := w.Jobs[job].Env["TF_VAR_onprem_postgres_password"]; !strings.HasPrefix(v, "${{ secrets.") {
			t.Errorf("preview.yml/%s: the superuser password must come from GitHub secrets, is %q", job, v)
		}
		if v, ok := w.Jobs[job].Env["FULLSTACK_STATE_DIR"]; ok {
			t.Errorf("preview.yml/%s sets FULLSTACK_STATE_DIR=%q: previews live in onprem.state_dir", job, v)
		}
	}
	comment := w.Jobs["comment"]
	if comment.selfHosted() || comment.Permissions["pull-requests"] != "write" || fmt.Sprint(comment.Needs) != "up" ||
		len(comment.Steps) != 1 || !strings.HasPrefix(comment.Steps[0].Uses, "actions/github-script@") || !strings.Contains(w.raw, "PREVIEW_URL: ${{ needs.up.outputs.url }}") {
		t.Errorf("the comment job must post up's URL from a hosted runner: %+v", comment)
	}
	if raw, _ := os.ReadFile(filepath.Join(repoRoot, ".github", "workflows", "preview.yml")); strings.Contains(string(raw), "${{ github.event.pull_request.title") {
		t.Error("preview.yml expands a pull request's title into a script")
	}
}
