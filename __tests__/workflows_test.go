package tests

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/homecloud-dev/fullstack/constructs/cloud/ciidentity"
)

type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Jobs map[string]job `yaml:"jobs"`
	raw  string
}

type job struct {
	If          string            `yaml:"if"`
	RunsOn      any               `yaml:"runs-on"`
	Needs       any               `yaml:"needs"`
	Environment string            `yaml:"environment"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Steps       []struct {
		If   string            `yaml:"if"`
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		With map[string]string `yaml:"with"`
	} `yaml:"steps"`
}

// selfHosted reports whether j runs on one of the home server's runners.
func (j job) selfHosted() bool {
	return slices.Contains(j.labels(), "self-hosted")
}

// labels are j's runs-on labels.
func (j job) labels() []string {
	var out []string
	switch v := j.RunsOn.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, l := range v {
			out = append(out, fmt.Sprint(l))
		}
	}
	return out
}

// assumedRole is the role-to-assume of j's credentials step ("" if none),
// and the index of that step.
func (j job) assumedRole() (string, int) {
	for i, s := range j.Steps {
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
			return s.With["role-to-assume"], i
		}
	}
	return "", -1
}

// runs is every run script of j, joined.
func (j job) runs() string {
	var out []string
	for _, s := range j.Steps {
		out = append(out, s.Run)
	}
	return strings.Join(out, "\n")
}

// deployWorkflows are the workflows that change a deployment.
var deployWorkflows = []string{"release.yml", "rollback.yml"}

func loadWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(raw, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	w.raw = string(raw)
	return w
}

// TestCloudDeployUsesOIDCRoleOnly: every job that talks to AWS assumes the
// bootstrap stack's deploy role through OpenID Connect, and only those jobs
// may ask GitHub for a token.
func TestCloudDeployUsesOIDCRoleOnly(t *testing.T) {
	for _, name := range deployWorkflows {
		w := loadWorkflow(t, name)
		if len(w.Permissions) != 1 || w.Permissions["contents"] != "read" {
			t.Errorf("%s: workflow permissions = %v, want only contents: read (jobs that need a token ask for it)", name, w.Permissions)
		}
		for jobName, j := range w.Jobs {
			var role string
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					role = s.With["role-to-assume"]
					for k := range s.With {
						if strings.Contains(k, "access-key") || strings.Contains(k, "secret") {
							t.Errorf("%s/%s: credentials step passes %s: no static keys", name, jobName, k)
						}
					}
				}
			}
			tokens := j.Permissions["id-token"] == "write"
			if role == "" {
				if tokens {
					t.Errorf("%s/%s asks for an id-token but assumes no role", name, jobName)
				}
				continue
			}
			// The bootstrap stack's outputs, stored as repository variables:
			// the promote role in promote jobs, the deploy role elsewhere.
			want := "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
			if j.Environment == loadRepoProject(t).Cloud.GitHub.ReleaseEnvironment {
				want = "${{ vars.AWS_PROMOTE_ROLE_ARN }}"
			}
			if role != want {
				t.Errorf("%s/%s: role-to-assume = %q, want %s", name, jobName, role, want)
			}
			if !tokens || j.Permissions["contents"] != "read" || len(j.Permissions) != 2 {
				t.Errorf("%s/%s: permissions %v, want exactly id-token: write, contents: read", name, jobName, j.Permissions)
			}
		}
	}
}

// TestReleasePathOrder: push to main → staging on the home server (which
// records the release only after its checks) → promote → production from
// the promoted manifest. Production needs staging's success through
// promote, and no production-bound job builds an image.
func TestReleasePathOrder(t *testing.T) {
	w := loadWorkflow(t, "release.yml")
	push, _ := w.On["push"].(map[string]any)
	if branches, _ := push["branches"].([]any); !slices.Contains(branches, any(loadRepoProject(t).Cloud.GitHub.Branch)) {
		t.Errorf("release runs on pushes to %v", branches)
	}
	staging, promote, production, running := w.Jobs["staging"], w.Jobs["promote"], w.Jobs["production"], w.Jobs["running"]
	if len(w.Jobs) != 4 {
		t.Errorf("jobs %v, want exactly staging, promote, production, running", slices.Collect(maps.Keys(w.Jobs)))
	}
	if running.Needs != "production" || !strings.Contains(running.runs(), "-mark-running") {
		t.Errorf("the running tags must move after production runs the release: needs %v\n%s", running.Needs, running.runs())
	}
	if !staging.selfHosted() || !promote.selfHosted() {
		t.Error("staging and promote must run on the home server's runner (its engine, registry and release key)")
	}
	if staging.Environment != "staging" || production.Environment != "production" {
		t.Errorf("environments: staging %q, production %q", staging.Environment, production.Environment)
	}
	if staging.Needs != nil || promote.Needs != "staging" || production.Needs != "promote" {
		t.Errorf("needs: staging %v, promote %v, production %v; want staging → promote → production", staging.Needs, promote.Needs, production.Needs)
	}
	// Without an `if:` a job runs only when everything it needs succeeded.
	// The one step-level condition tells the alert receivers of a failure.
	for name, j := range w.Jobs {
		if j.If != "" {
			t.Errorf("release.yml job %s has an if: condition; it could run after a failed staging", name)
		}
		for _, s := range j.Steps {
			if s.If != "" && (s.If != "failure()" || !strings.HasPrefix(s.Run, "go run ./cmd/fullstack release -notify-failure ")) {
				t.Errorf("release.yml job %s: a step runs if %q: only the failure notice may be conditional (%s)", name, s.If, s.Run)
			}
		}
	}
	if !strings.Contains(staging.runs(), "-notify-failure") {
		t.Error("a failed staging deploy tells nobody: the staging job has no failure() step with fullstack release -notify-failure")
	}
	order := []string{"npx cdktf deploy onprem", "go run ./cmd/fullstack release -out release.json"}
	runs := staging.runs()
	if i, j := strings.Index(runs, order[0]), strings.Index(runs, order[1]); i < 0 || j < i {
		t.Errorf("staging must deploy, then record the release:\n%s", runs)
	}
	if !strings.Contains(promote.runs(), ".bin/fullstack promote -release release.json") {
		t.Errorf("promote does not promote the staging release:\n%s", promote.runs())
	}
	if production.Env["FULLSTACK_RELEASE"] != "release.json" || !strings.Contains(production.runs(), "npx cdktf deploy cloud") {
		t.Errorf("production must deploy the release: env %v\n%s", production.Env, production.runs())
	}
	for name, j := range map[string]job{"promote": promote, "production": production} {
		for _, bad := range []string{"docker build", "docker push", "push-images", "TF_VAR_image_tag"} {
			if strings.Contains(j.runs(), bad) || j.Env["TF_VAR_image_tag"] != "" {
				t.Errorf("%s builds or names images itself (%s): production runs only what staging proved", name, bad)
			}
		}
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "aws-actions/amazon-ecr-login@") || strings.HasPrefix(s.Uses, "docker/") {
				t.Errorf("%s uses %s", name, s.Uses)
			}
		}
	}
	for _, j := range []job{promote, production} {
		found := false
		for _, s := range j.Steps {
			found = found || (strings.HasPrefix(s.Uses, "actions/download-artifact@") && s.With["name"] == "release")
		}
		if !found {
			t.Error("a job after staging does not take the staging job's release artifact")
		}
	}
	rb := loadWorkflow(t, "rollback.yml")
	// A rollback needs no home server: the signed manifest comes from the
	// state bucket, the images are in ECR.
	for name, j := range rb.Jobs {
		if j.selfHosted() {
			t.Errorf("rollback.yml/%s runs on the home server: a rollback must work without it", name)
		}
	}
	if runs := rb.Jobs["production"].runs(); !strings.Contains(runs, ".bin/fullstack releases fetch") || !strings.Contains(runs, "record-production -release release.json -rollback") {
		t.Errorf("rollback must fetch the signed release from the state bucket and record what production runs:\n%s", runs)
	}
	if !strings.Contains(production.runs(), `"$(git rev-parse FETCH_HEAD)" != "$GITHUB_SHA"`) {
		t.Errorf("release.yml/production must refuse a commit that is not the branch's head (a re-run of an old run):\n%s", production.runs())
	}
	if !strings.Contains(production.runs(), ".bin/fullstack releases record-production -release release.json") {
		t.Errorf("release.yml/production must record the release production runs:\n%s", production.runs())
	}
	// A rollback changes images, not infrastructure: production checks out
	// the dispatching commit (main), not the release's.
	if p := rb.Jobs["production"]; p.Env["FULLSTACK_ROLLBACK"] != "yes" || p.Steps[0].With["ref"] != "" {
		t.Errorf("rollback production must deploy this commit's stacks with FULLSTACK_ROLLBACK=yes: env %v, checkout %v", p.Env, p.Steps[0].With)
	}
	// Every job that acts on a release verifies its signature first: the
	// production job before and after it has credentials.
	for wf, p := range map[string]job{"release.yml": production, "rollback.yml": rb.Jobs["production"]} {
		runs := p.runs()
		manifest, images, deploy := strings.Index(runs, "verify -release release.json -manifest-only"), strings.Index(runs, "verify -release release.json\n"), strings.Index(runs, "npx cdktf deploy cloud")
		if manifest < 0 || images < manifest || deploy < images {
			t.Errorf("%s/production must verify the manifest, then the images in ECR, then deploy:\n%s", wf, runs)
		}
	}
}

func TestNoWorkflowHoldsStaticAWSKeys(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for _, bad := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "aws-access-key-id", "aws-secret-access-key"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("%s mentions %s", filepath.Base(f), bad)
			}
		}
	}
}

// TestTrustMatchesWorkflow checks the roles' trust (from the repository's
// project file) against what the workflows present: every job that asks
// for a token runs in a GitHub environment (a job without one presents its
// ref, which no role trusts), and the role it assumes trusts exactly that
// environment's subject.
func TestTrustMatchesWorkflow(t *testing.T) {
	p := loadRepoProject(t)
	g := p.Cloud.GitHub
	trusted := map[string]string{
		"${{ vars.AWS_DEPLOY_ROLE_ARN }}":  ciidentity.Subject(g.Owner, g.Repo, g.Environment),
		"${{ vars.AWS_PROMOTE_ROLE_ARN }}": ciidentity.Subject(g.Owner, g.Repo, g.ReleaseEnvironment),
	}
	for _, name := range deployWorkflows {
		w := loadWorkflow(t, name)
		for jobName, j := range w.Jobs {
			if j.Permissions["id-token"] != "write" {
				continue
			}
			role, _ := j.assumedRole()
			if j.Environment == "" {
				t.Errorf("%s/%s asks for a token outside any environment: it would present its ref, which no role trusts", name, jobName)
				continue
			}
			if want := "repo:" + g.Owner + "/" + g.Repo + ":environment:" + j.Environment; trusted[role] != want {
				t.Errorf("%s/%s presents sub %q; %s trusts %q", name, jobName, want, role, trusted[role])
			}
		}
	}
}

// TestPullRequestCodeNeverOnTheReleaseRunner: the jobs that run a pull
// request's code share no role label with the jobs that release (the
// release runner holds the signing key and assumes the promote role); the
// preview job waits for the preview environment's reviewers, asks for no
// token and gets no signing password; every self-hosted job checks its
// runner first.
func TestPullRequestCodeNeverOnTheReleaseRunner(t *testing.T) {
	generic := []string{"self-hosted", "linux", "x64"}
	roleLabels := func(j job) []string {
		var out []string
		for _, l := range j.labels() {
			if !slices.Contains(generic, l) {
				out = append(out, l)
			}
		}
		return out
	}
	releaseLabels := map[string]bool{}
	for _, name := range deployWorkflows {
		for jobName, j := range loadWorkflow(t, name).Jobs {
			if !j.selfHosted() {
				continue
			}
			if !slices.Equal(roleLabels(j), []string{"release"}) {
				t.Errorf("%s/%s runs on %v: a release job runs on the release runner only", name, jobName, j.labels())
			}
			for _, l := range roleLabels(j) {
				releaseLabels[l] = true
			}
			if !strings.Contains(j.runs(), "preflight -runner release") {
				t.Errorf("%s/%s does not check that it runs on the release runner", name, jobName)
			}
		}
	}
	w := loadWorkflow(t, "preview.yml")
	for jobName, j := range w.Jobs {
		if !j.selfHosted() {
			continue
		}
		for _, l := range roleLabels(j) {
			if releaseLabels[l] {
				t.Errorf("preview.yml/%s runs on %v, which shares %q with the release jobs", jobName, j.labels(), l)
			}
		}
		if len(roleLabels(j)) == 0 {
			t.Errorf("preview.yml/%s runs on %v: any self-hosted runner, the release runner included", jobName, j.labels())
		}
		if j.Permissions["id-token"] != "" {
			t.Errorf("preview.yml/%s asks for an OIDC token", jobName)
		}
		if !strings.Contains(j.runs(), "preflight -runner preview") {
			t.Errorf("preview.yml/%s does not check that it runs on the preview runner", jobName)
		}
	}
	if w.Jobs["up"].Environment != "preview" {
		t.Errorf("preview.yml/up runs a pull request's code without the preview environment's approval (environment %q)", w.Jobs["up"].Environment)
	}
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	for _, f := range files {
		name := filepath.Base(f)
		if name == "release.yml" {
			continue
		}
		if strings.Contains(loadWorkflow(t, name).raw, "COSIGN_PASSWORD") {
			t.Errorf("%s names the signing password: only release.yml's staging job signs", name)
		}
	}
}

// TestNothingInstallsAfterCredentials: in every job that assumes a role,
// every install (npm ci, go mod download, go build) comes before the
// credentials step, so no install script ever sees them.
func TestNothingInstallsAfterCredentials(t *testing.T) {
	for _, name := range deployWorkflows {
		for jobName, j := range loadWorkflow(t, name).Jobs {
			role, at := j.assumedRole()
			if role == "" {
				continue
			}
			installed := false
			for i, s := range j.Steps {
				install := strings.Contains(s.Run, "npm ci") || strings.Contains(s.Run, "go mod download") || strings.Contains(s.Run, "go build") || strings.Contains(s.Run, "go run")
				if install && i > at {
					t.Errorf("%s/%s: step %d (%q) installs or builds after the role is assumed", name, jobName, i, s.Run)
				}
				installed = installed || (install && i < at)
			}
			if !installed {
				t.Errorf("%s/%s installs nothing before it assumes %s", name, jobName, role)
			}
		}
	}
}

// TestDeploysNeverOverlap: a started release or rollback is never
// cancelled; a push can replace only a *pending* release (GitHub keeps one
// pending run per group), never a rollback, which has its own group; the
// production applies of both wait on the Terraform state lock instead of
// failing on it.
func TestDeploysNeverOverlap(t *testing.T) {
	groups := map[string]string{"release.yml": "release", "rollback.yml": "rollback"}
	for _, name := range deployWorkflows {
		w := loadWorkflow(t, name)
		if w.Concurrency.Group != groups[name] || w.Concurrency.CancelInProgress {
			t.Errorf("%s: concurrency %+v: want the group %q, never cancelling a started run", name, w.Concurrency, groups[name])
		}
		if p := w.Jobs["production"]; !strings.HasPrefix(p.Env["TF_CLI_ARGS_apply"], "-lock-timeout=") || !strings.HasPrefix(p.Env["TF_CLI_ARGS_plan"], "-lock-timeout=") {
			t.Errorf("%s/production: the apply must wait on the state lock (TF_CLI_ARGS_apply/plan -lock-timeout), env %v", name, p.Env)
		}
		for jobName, j := range w.Jobs {
			for k, v := range j.Env {
				if strings.HasPrefix(k, "TF_VAR_") && strings.Contains(k, "password") && !strings.HasPrefix(v, "${{ secrets.") {
					t.Errorf("%s/%s: %s must come from GitHub secrets, is %q", name, jobName, k, v)
				}
				// actions/checkout cleans the workspace: state (and the
				// releases and their key) kept there is lost.
				if k == "FULLSTACK_STATE_DIR" {
					t.Errorf("%s/%s sets FULLSTACK_STATE_DIR=%q: the state must stay in onprem.state_dir, outside the workspace", name, jobName, v)
				}
			}
		}
	}
	if dir := loadRepoProject(t).OnPrem.StateDir; !strings.HasPrefix(dir, "~/") && !filepath.IsAbs(dir) {
		t.Errorf("onprem.state_dir %q is inside the workspace a checkout cleans", dir)
	}
}

// TestTestWorkflowRunsReadmeCommand keeps CI and the README in step.
func TestTestWorkflowRunsReadmeCommand(t *testing.T) {
	command := strings.TrimSpace(readmeBlock(t, "Tests", "sh"))
	var runs []string
	for _, s := range loadWorkflow(t, "test.yml").Jobs["test"].Steps {
		runs = append(runs, strings.TrimSpace(s.Run))
	}
	if !slices.Contains(runs, command) {
		t.Errorf("test.yml runs %q, the README's test command is %q", runs, command)
	}
	ci, _ := os.ReadFile(filepath.Join(repoRoot, ".ci", "run"))
	if !strings.Contains(string(ci), "\n"+command+"\n") {
		t.Errorf(".ci/run does not run the README's test command %q", command)
	}
}

// TestCIRunsReadmeMainCommand: .ci/run runs the README's main command as
// written, set-up included.
func TestCIRunsReadmeMainCommand(t *testing.T) {
	command := strings.TrimSpace(readmeBlock(t, "Main job", "sh"))
	if !strings.HasPrefix(command, "./scripts/setup && ") {
		t.Errorf("the README's main command %q does not set the machine up first", command)
	}
	ci, _ := os.ReadFile(filepath.Join(repoRoot, ".ci", "run"))
	if !strings.Contains(string(ci), "\n"+command+"\n") {
		t.Errorf(".ci/run does not run the README's main command %q", command)
	}
}

// TestActionsArePinnedByCommit: every action is pinned by its full commit
// SHA with the version in a comment, and Dependabot keeps them current.
func TestActionsArePinnedByCommit(t *testing.T) {
	pinned := regexp.MustCompile(`^\s*-?\s*uses:\s+[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*\s*$`)
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.Contains(line, "uses:") && !pinned.MatchString(line) {
				t.Errorf("%s:%d: %q is not pinned by commit SHA with its version in a comment", filepath.Base(f), i+1, strings.TrimSpace(line))
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".github", "dependabot.yml"))
	var cfg struct {
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
		} `yaml:"updates"`
	}
	if err != nil || yaml.Unmarshal(raw, &cfg) != nil || !slices.ContainsFunc(cfg.Updates, func(u struct {
		Ecosystem string `yaml:"package-ecosystem"`
	}) bool {
		return u.Ecosystem == "github-actions"
	}) {
		t.Errorf("dependabot.yml must update github-actions: %v %s", err, raw)
	}
}
