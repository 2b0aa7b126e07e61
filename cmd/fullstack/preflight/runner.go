package preflight

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

// Runner roles: a self-hosted runner is either the release runner (staging
// deploys, the signing key, promote) or the preview runner (pull requests'
// code). GitHub does not tell a job its runner's labels, so the runner's
// administrator writes them into the runner's .env (read only by the
// runner's service), where no workflow can change them:
//
//	FULLSTACK_RUNNER_LABELS=self-hosted,linux,release
const (
	RoleRelease     = "release"
	RolePreview     = "preview"
	labelsVariable  = "FULLSTACK_RUNNER_LABELS"
	releaseWorkflow = ".github/workflows/release.yml"
)

// runnerEnv is what the runner checks read from the job's environment.
type runnerEnv struct {
	lookup func(string) (string, bool)
}

func (e runnerEnv) get(name string) string { v, _ := e.lookup(name); return v }

func (e runnerEnv) labels() []string {
	var out []string
	for _, l := range strings.Split(e.get(labelsVariable), ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkRunner refuses a job on a runner of the wrong role: a release on a
// runner that also takes previews, a preview on a runner that can read
// the signing key or the release state, or that was handed cloud
// credentials or an OIDC token.
func checkRunner(p *config.Project, role string, env runnerEnv, stateDir string) error {
	labels := env.labels()
	if len(labels) == 0 {
		return fmt.Errorf("%s is not set: declare this runner's labels in its .env (e.g. %s=self-hosted,linux,%s) so a job can check where it runs (docs/security.md)", labelsVariable, labelsVariable, role)
	}
	var errs []error
	switch role {
	case RoleRelease:
		if slices.Contains(labels, RolePreview) {
			errs = append(errs, fmt.Errorf("this runner has the label %q (%s=%s): a release never runs where pull requests' code runs", RolePreview, labelsVariable, strings.Join(labels, ",")))
		}
		if !slices.Contains(labels, RoleRelease) {
			errs = append(errs, fmt.Errorf("this runner lacks the label %q (%s=%s): releases run only on the release runner", RoleRelease, labelsVariable, strings.Join(labels, ",")))
		}
	case RolePreview:
		if slices.Contains(labels, RoleRelease) {
			errs = append(errs, fmt.Errorf("this runner has the label %q (%s=%s): pull requests' code never runs on the release runner", RoleRelease, labelsVariable, strings.Join(labels, ",")))
		}
		// The signing key where this user's release tools would look, and
		// the release runner's state directory when the administrator names
		// it here (FULLSTACK_RELEASE_STATE_DIR in this runner's .env).
		secrets := []string{release.PrivateKeyPath(stateDir, env.get)}
		if dir := env.get("FULLSTACK_RELEASE_STATE_DIR"); dir != "" {
			secrets = append(secrets, dir, release.PrivateKeyPath(dir, func(string) string { return "" }))
		}
		for _, secret := range secrets {
			if f, err := os.Open(secret); err == nil {
				f.Close()
				errs = append(errs, fmt.Errorf("this runner's user can read %s: a preview must not reach the signing key or the release state; run previews as another user or on another host (docs/security.md)", secret))
			}
		}
		for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "ACTIONS_ID_TOKEN_REQUEST_URL", release.PasswordVariable} {
			if env.get(name) != "" {
				errs = append(errs, fmt.Errorf("%s is set: a preview job gets no cloud credentials, OIDC token or signing password", name))
			}
		}
	default:
		return fmt.Errorf("-runner %q: must be %s or %s", role, RoleRelease, RolePreview)
	}
	return errors.Join(errs...)
}

// checkJobStarted is the runner's job-started hook
// (ACTIONS_RUNNER_HOOK_JOB_STARTED): it runs before any step of any job,
// from the runner's own configuration, so a workflow edited on a branch or
// in a pull request cannot skip it. The release runner takes only
// release.yml and rollback.yml from the releasing branch; the preview
// runner only preview.yml from it.
func checkJobStarted(releaseBranch string, env runnerEnv) error {
	labels := env.labels()
	repo := env.get("GITHUB_REPOSITORY")
	ref := env.get("GITHUB_WORKFLOW_REF") // owner/repo/.github/workflows/x.yml@refs/heads/main
	var allowed []string
	switch {
	case slices.Contains(labels, RoleRelease) && slices.Contains(labels, RolePreview):
		return fmt.Errorf("%s=%s: one runner cannot be both the release and the preview runner", labelsVariable, strings.Join(labels, ","))
	case slices.Contains(labels, RoleRelease):
		branch := "@refs/heads/" + releaseBranch
		allowed = []string{repo + "/" + releaseWorkflow + branch, repo + "/.github/workflows/rollback.yml" + branch}
	case slices.Contains(labels, RolePreview):
		// preview.yml as it is on the releasing branch: it runs on
		// pull_request_target, so no pull request's copy of it (which could
		// drop the approval) is ever what runs.
		want := repo + "/.github/workflows/preview.yml@refs/heads/" + releaseBranch
		if ref == want {
			return nil
		}
		return fmt.Errorf("job refused: workflow %s may not run on the preview runner (only %s)", ref, want)
	default:
		return fmt.Errorf("%s is not set or names no role: declare release or preview in the runner's .env", labelsVariable)
	}
	if !slices.Contains(allowed, ref) {
		return fmt.Errorf("job refused: workflow %s may not run on the release runner (only %s)", ref, strings.Join(allowed, ", "))
	}
	return nil
}
