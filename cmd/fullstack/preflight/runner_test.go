package preflight

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

func envOf(m map[string]string) runnerEnv {
	return runnerEnv{lookup: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

func TestRunnerRefusals(t *testing.T) {
	p := &config.Project{Name: "notes"}
	p.Cloud.GitHub.Branch = "main"
	empty := t.TempDir()
	releaseState := t.TempDir()
	if err := os.WriteFile(filepath.Join(releaseState, release.PrivateKeyFile), []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, role, stateDir string
		env                  map[string]string
		want                 string // "" accepts
	}{
		{"release on the release runner", RoleRelease, releaseState, map[string]string{labelsVariable: "self-hosted,linux,release"}, ""},
		{"release on a runner that takes previews", RoleRelease, releaseState, map[string]string{labelsVariable: "self-hosted,linux,release,preview"}, `has the label "preview"`},
		{"release on an unlabelled runner", RoleRelease, releaseState, map[string]string{}, "FULLSTACK_RUNNER_LABELS is not set"},
		{"release on the preview runner", RoleRelease, releaseState, map[string]string{labelsVariable: "self-hosted,linux,preview"}, `lacks the label "release"`},
		{"preview on the preview runner", RolePreview, empty, map[string]string{labelsVariable: "self-hosted,linux,preview"}, ""},
		{"preview on the release runner", RolePreview, empty, map[string]string{labelsVariable: "self-hosted,linux,release"}, "never runs on the release runner"},
		{"preview whose user can read the signing key", RolePreview, releaseState, map[string]string{labelsVariable: "self-hosted,linux,preview"}, "can read " + filepath.Join(releaseState, release.PrivateKeyFile)},
		{"preview that can read the release state", RolePreview, empty, map[string]string{labelsVariable: "self-hosted,linux,preview", "FULLSTACK_RELEASE_STATE_DIR": releaseState}, "can read " + releaseState},
		{"preview with an OIDC token", RolePreview, empty, map[string]string{labelsVariable: "self-hosted,linux,preview", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x"}, "ACTIONS_ID_TOKEN_REQUEST_URL is set"},
		{"preview with the signing password", RolePreview, empty, map[string]string{labelsVariable: "self-hosted,linux,preview", "COSIGN_PASSWORD": "pw"}, "COSIGN_PASSWORD is set"},
	} {
		err := checkRunner(p, c.role, envOf(c.env), c.stateDir)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want a refusal saying %q", c.name, err, c.want)
		}
	}
}

func TestJobStartedHookTakesOnlyItsWorkflows(t *testing.T) {
	p := &config.Project{Name: "notes"}
	p.Cloud.GitHub.Branch = "main"
	wf := func(file, ref string) string { return "acme/notes/.github/workflows/" + file + "@" + ref }
	for _, c := range []struct {
		name, labels, workflowRef, want string
	}{
		{"release from main", "self-hosted,linux,release", wf("release.yml", "refs/heads/main"), ""},
		{"rollback from main", "self-hosted,linux,release", wf("rollback.yml", "refs/heads/main"), ""},
		{"release.yml edited on a branch", "self-hosted,linux,release", wf("release.yml", "refs/heads/evil"), "may not run on the release runner"},
		{"a pull request's copy of release.yml", "self-hosted,linux,release", wf("release.yml", "refs/pull/7/merge"), "may not run on the release runner"},
		{"a new workflow on main", "self-hosted,linux,release", wf("exfiltrate.yml", "refs/heads/main"), "may not run on the release runner"},
		{"preview.yml on the release runner", "self-hosted,linux,release", wf("preview.yml", "refs/pull/7/merge"), "may not run on the release runner"},
		{"preview.yml from main on the preview runner", "self-hosted,linux,preview", wf("preview.yml", "refs/heads/main"), ""},
		{"a pull request's copy of preview.yml", "self-hosted,linux,preview", wf("preview.yml", "refs/pull/7/merge"), "may not run on the preview runner"},
		{"preview.yml edited on a branch", "self-hosted,linux,preview", wf("preview.yml", "refs/heads/evil"), "may not run on the preview runner"},
		{"release.yml on the preview runner", "self-hosted,linux,preview", wf("release.yml", "refs/heads/main"), "may not run on the preview runner"},
		{"both roles", "self-hosted,release,preview", wf("release.yml", "refs/heads/main"), "cannot be both"},
	} {
		err := checkJobStarted(p.Cloud.GitHub.Branch, envOf(map[string]string{labelsVariable: c.labels, "GITHUB_REPOSITORY": "acme/notes", "GITHUB_WORKFLOW_REF": c.workflowRef}))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want a refusal saying %q", c.name, err, c.want)
		}
	}
}
