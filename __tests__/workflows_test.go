package tests

import (
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
	Jobs map[string]struct {
		RunsOn      any               `yaml:"runs-on"`
		Environment string            `yaml:"environment"`
		Env         map[string]string `yaml:"env"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
	raw string
}

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

func TestCloudDeployUsesOIDCRoleOnly(t *testing.T) {
	w := loadWorkflow(t, "deploy-cloud.yml")
	if w.Permissions["id-token"] != "write" || w.Permissions["contents"] != "read" || len(w.Permissions) != 2 {
		t.Errorf("permissions = %v, want exactly id-token: write, contents: read", w.Permissions)
	}
	job := w.Jobs["deploy"]
	var role string
	for _, s := range job.Steps {
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
			role = s.With["role-to-assume"]
			for k := range s.With {
				if strings.Contains(k, "access-key") || strings.Contains(k, "secret") {
					t.Errorf("credentials step passes %s: no static keys", k)
				}
			}
		}
	}
	// The bootstrap stack's output, stored as a repository variable.
	if role != "${{ vars.AWS_DEPLOY_ROLE_ARN }}" {
		t.Errorf("role-to-assume = %q, want the bootstrap stack's deploy_role_arn (vars.AWS_DEPLOY_ROLE_ARN)", role)
	}
	if job.Env["TF_VAR_image_tag"] != "${{ github.sha }}" {
		t.Errorf("the image tag must be the git SHA: %v", job.Env)
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
	w := loadWorkflow(t, "deploy-cloud.yml")
	env := w.Jobs["deploy"].Environment
	if env == "" {
		t.Fatal("the deploy job runs in no GitHub environment")
	}
	if want := "repo:" + g.Owner + "/" + g.Repo + ":environment:" + env; !slices.Contains(subjects, want) {
		t.Errorf("the workflow presents sub %q; the role trusts %v", want, subjects)
	}
	push, _ := w.On["push"].(map[string]any)
	branches, _ := push["branches"].([]any)
	if !slices.Contains(branches, any(g.Branch)) {
		t.Errorf("deploy-cloud runs on pushes to %v, the role trusts branch %s", branches, g.Branch)
	}
}

func TestDeploysNeverOverlap(t *testing.T) {
	for _, name := range []string{"deploy-cloud.yml", "deploy-onprem.yml"} {
		w := loadWorkflow(t, name)
		if w.Concurrency.Group == "" || w.Concurrency.CancelInProgress {
			t.Errorf("%s: concurrency %+v: want a group that queues, not cancels, deploys", name, w.Concurrency)
		}
	}
	onprem := loadWorkflow(t, "deploy-onprem.yml")
	labels, _ := onprem.Jobs["deploy"].RunsOn.([]any)
	if !slices.Contains(labels, any("self-hosted")) || !slices.Contains(labels, any("homeserver")) {
		t.Errorf("deploy-onprem runs on %v, want the home server's self-hosted runner", labels)
	}
	for k, v := range onprem.Jobs["deploy"].Env {
		if strings.HasPrefix(k, "TF_VAR_") && strings.Contains(k, "password") && !strings.HasPrefix(v, "${{ secrets.") {
			t.Errorf("%s must come from GitHub secrets, is %q", k, v)
		}
		// actions/checkout cleans the workspace: state kept there is lost.
		if k == "FULLSTACK_STATE_DIR" {
			t.Errorf("deploy-onprem sets FULLSTACK_STATE_DIR=%q: the state must stay in onprem.state_dir, outside the workspace", v)
		}
	}
	if dir := loadRepoProject(t).OnPrem.StateDir; !strings.HasPrefix(dir, "~/") && !filepath.IsAbs(dir) {
		t.Errorf("onprem.state_dir %q is inside the workspace a checkout cleans", dir)
	}
}

// TestTestWorkflowRunsReadmeCommand keeps CI and the README in step.
func TestTestWorkflowRunsReadmeCommand(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\\*\\*Tests\\*\\*.*?```sh\\n([^\\n]+)\\n```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no Tests command block")
	}
	command := string(m[1])
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
