package tests

import (
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
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		With map[string]string `yaml:"with"`
	} `yaml:"steps"`
}

// selfHosted reports whether j runs on the home server's runner.
func (j job) selfHosted() bool {
	labels, _ := j.RunsOn.([]any)
	return slices.Contains(labels, any("self-hosted")) && slices.Contains(labels, any("homeserver"))
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
			// The bootstrap stack's output, stored as a repository variable.
			if role != "${{ vars.AWS_DEPLOY_ROLE_ARN }}" {
				t.Errorf("%s/%s: role-to-assume = %q, want vars.AWS_DEPLOY_ROLE_ARN", name, jobName, role)
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
	staging, promote, production := w.Jobs["staging"], w.Jobs["promote"], w.Jobs["production"]
	if len(w.Jobs) != 3 {
		t.Errorf("jobs %v, want exactly staging, promote, production", slices.Collect(maps.Keys(w.Jobs)))
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
	if strings.Contains(w.raw, "if:") {
		t.Error("release.yml has an if: condition; a job could run after a failed staging")
	}
	order := []string{"npx cdktf deploy onprem", "go run ./cmd/release -out release.json"}
	runs := staging.runs()
	if i, j := strings.Index(runs, order[0]), strings.Index(runs, order[1]); i < 0 || j < i {
		t.Errorf("staging must deploy, then record the release:\n%s", runs)
	}
	if !strings.Contains(promote.runs(), "go run ./cmd/promote -release release.json") {
		t.Errorf("promote does not promote the staging release:\n%s", promote.runs())
	}
	if production.Env["FULLSTACK_RELEASE"] != "release.json" || !strings.Contains(production.runs(), "npx cdktf deploy cloud") {
		t.Errorf("production must deploy the release: env %v\n%s", production.Env, production.runs())
	}
	for name, j := range map[string]job{"promote": promote, "production": production} {
		for _, bad := range []string{"docker build", "docker push", "push-cloud-images", "TF_VAR_image_tag"} {
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
	if rb.Jobs["production"].Needs != "promote" || !strings.Contains(rb.Jobs["promote"].runs(), "go run ./cmd/release -path") {
		t.Error("rollback must find the release on the home server, promote it, then deploy it")
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

// TestTrustMatchesWorkflow checks the deploy role's trust (from the
// repository's project file) against what the cloud workflow presents:
// its job runs in the environment the role trusts, on the branch it trusts.
func TestTrustMatchesWorkflow(t *testing.T) {
	p := loadRepoProject(t)
	g := p.Cloud.GitHub
	subjects := ciidentity.Subjects(g.Owner, g.Repo, g.Branch, g.Environment)
	for _, name := range deployWorkflows {
		w := loadWorkflow(t, name)
		for jobName, j := range w.Jobs {
			if j.Permissions["id-token"] != "write" {
				continue
			}
			// A job in an environment presents that environment; one without
			// presents the ref it runs on (pushes to the trusted branch, and
			// manual runs from it).
			want := "repo:" + g.Owner + "/" + g.Repo + ":ref:refs/heads/" + g.Branch
			if j.Environment != "" {
				want = "repo:" + g.Owner + "/" + g.Repo + ":environment:" + j.Environment
			}
			if !slices.Contains(subjects, want) {
				t.Errorf("%s/%s presents sub %q; the role trusts %v", name, jobName, want, subjects)
			}
		}
	}
}

func TestDeploysNeverOverlap(t *testing.T) {
	for _, name := range deployWorkflows {
		w := loadWorkflow(t, name)
		// One group for releases and rollbacks: they queue, never cancel.
		if w.Concurrency.Group != "release" || w.Concurrency.CancelInProgress {
			t.Errorf("%s: concurrency %+v: want the group release, queueing", name, w.Concurrency)
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

// TestActionsArePinnedToMajorVersions: one deliberate policy everywhere.
func TestActionsArePinnedToMajorVersions(t *testing.T) {
	major := regexp.MustCompile(`^[a-z0-9-]+/[a-z0-9-]+@v[0-9]+$`)
	files, _ := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	for _, f := range files {
		w := loadWorkflow(t, filepath.Base(f))
		for _, job := range w.Jobs {
			for _, s := range job.Steps {
				if s.Uses != "" && !major.MatchString(s.Uses) {
					t.Errorf("%s: %s is not pinned to a major version", filepath.Base(f), s.Uses)
				}
			}
		}
	}
}
