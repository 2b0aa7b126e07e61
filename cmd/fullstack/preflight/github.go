package preflight

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
)

// The GitHub environments the workflows name (release.yml, rollback.yml,
// preview.yml) besides the two the project file names.
const (
	stagingEnvironment         = "staging"
	previewEnvironment         = "preview"
	previewTeardownEnvironment = "preview-teardown"
)

// githubEnvironment is what the release path needs of one environment.
type githubEnvironment struct {
	name string
	// reviewers: required reviewers must guard it; recommendReviewers:
	// they are advised (a note, not a failure).
	reviewers, recommendReviewers bool
	// why names what the environment guards, for the message.
	why string
}

// githubAPI reads repository settings through GitHub's REST API.
type githubAPI struct {
	base, token, repo string
	client            *http.Client
}

// errNotFound is a 404: the thing does not exist (or the token cannot
// see the repository).
var errNotFound = errors.New("not found")

func (g githubAPI) get(path string, into any) error {
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(g.base, "/")+"/repos/"+g.repo+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return errNotFound
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("GitHub refused the token (HTTP %d): give the job `permissions: actions: read`, or use a token that can read the repository's environments", resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s: HTTP %d", req.URL.Path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// checkGitHub checks the settings the release path relies on but GitHub
// holds (docs/security.md "One-time GitHub settings"): each environment
// exists and deploys from the release branch only, the preview
// environment waits for a reviewer, and the branch is protected. Every
// problem is reported at once; notes are advice, not failures.
func checkGitHub(p *config.Project, env runnerEnv) (notes []string, err error) {
	gh := p.Cloud.GitHub
	repo := gh.Owner + "/" + gh.Repo
	if gh.Owner == "" || gh.Repo == "" {
		return nil, errors.New("cloud.github.owner and cloud.github.repo are not set: there is no repository to check")
	}
	token := env.get("GITHUB_TOKEN")
	if token == "" {
		return nil, errors.New("GITHUB_TOKEN is not set: in a workflow pass `env: GITHUB_TOKEN: ${{ github.token }}` with `permissions: actions: read`; elsewhere a token that can read the repository")
	}
	base := env.get("GITHUB_API_URL")
	if base == "" {
		base = "https://api.github.com"
	}
	var problems []string
	if running := env.get("GITHUB_REPOSITORY"); running != "" && !strings.EqualFold(running, repo) {
		problems = append(problems, fmt.Sprintf("this workflow runs in %s, but cloud.github names %s: the cloud roles trust only %s", running, repo, repo))
	}
	api := githubAPI{base: base, token: token, repo: repo, client: &http.Client{Timeout: 20 * time.Second}}
	branch := gh.Branch
	environments := []githubEnvironment{
		{name: stagingEnvironment, why: "its secrets (COSIGN_PASSWORD) reach only the staging job of " + branch},
		{name: gh.ReleaseEnvironment, why: "the promote role trusts only jobs in it"},
		{name: gh.Environment, recommendReviewers: true, why: "the deploy role trusts only jobs in it"},
		{name: previewEnvironment, reviewers: true, why: "a pull request's code runs only after a reviewer approves"},
		{name: previewTeardownEnvironment, why: "down and prune run " + branch + "'s code with the preview password"},
	}
	for _, e := range environments {
		ps, n, err := checkEnvironment(api, e, branch)
		if err != nil {
			return nil, err
		}
		problems = append(problems, ps...)
		notes = append(notes, n...)
	}
	var b struct {
		Protected bool `json:"protected"`
	}
	switch err := api.get("/branches/"+url.PathEscape(branch), &b); {
	case errors.Is(err, errNotFound):
		problems = append(problems, fmt.Sprintf("branch %s (cloud.github.branch) does not exist in %s", branch, repo))
	case err != nil:
		return nil, err
	case !b.Protected:
		problems = append(problems, fmt.Sprintf("branch %s is not protected: require a pull request review and forbid force pushes, or one collaborator can put code on the release path alone", branch))
	}
	if len(problems) > 0 {
		return notes, fmt.Errorf("GitHub settings of %s (docs/security.md \"One-time GitHub settings\"):\n- %s", repo, strings.Join(problems, "\n- "))
	}
	return notes, nil
}

// checkEnvironment checks one environment: it exists, only the release
// branch may deploy to it, and it has reviewers where they are required.
func checkEnvironment(api githubAPI, e githubEnvironment, branch string) (problems, notes []string, err error) {
	var env struct {
		// CanAdminsBypass: administrators may deploy past the rules.
		CanAdminsBypass *bool `json:"can_admins_bypass"`
		ProtectionRules []struct {
			Type              string            `json:"type"`
			Reviewers         []json.RawMessage `json:"reviewers"`
			PreventSelfReview bool              `json:"prevent_self_review"`
		} `json:"protection_rules"`
		DeploymentBranchPolicy *struct {
			ProtectedBranches    bool `json:"protected_branches"`
			CustomBranchPolicies bool `json:"custom_branch_policies"`
		} `json:"deployment_branch_policy"`
	}
	path := "/environments/" + url.PathEscape(e.name)
	switch err := api.get(path, &env); {
	case errors.Is(err, errNotFound):
		return []string{fmt.Sprintf("environment %q does not exist: create it with deployment branch %s only (%s)", e.name, branch, e.why)}, nil, nil
	case err != nil:
		return nil, nil, err
	}
	policy := env.DeploymentBranchPolicy
	switch {
	case policy == nil:
		problems = append(problems, fmt.Sprintf("environment %q lets every branch deploy: restrict it to %s (%s)", e.name, branch, e.why))
	case policy.ProtectedBranches:
		problems = append(problems, fmt.Sprintf("environment %q admits every protected branch: use a custom policy naming %s only (%s)", e.name, branch, e.why))
	case !policy.CustomBranchPolicies:
		// Neither kind of policy: nothing restricts the branches.
		problems = append(problems, fmt.Sprintf("environment %q has a deployment branch policy that names no branch: restrict it to %s (%s)", e.name, branch, e.why))
	default:
		var list struct {
			TotalCount     int `json:"total_count"`
			BranchPolicies []struct {
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"branch_policies"`
		}
		if err := api.get(path+"/deployment-branch-policies?per_page=100", &list); err != nil {
			return nil, nil, err
		}
		if list.TotalCount > len(list.BranchPolicies) {
			problems = append(problems, fmt.Sprintf("environment %q admits %d branch and tag patterns: %s only (%s)", e.name, list.TotalCount, branch, e.why))
		}
		var others []string
		found := false
		for _, b := range list.BranchPolicies {
			if b.Name == branch && b.Type != "tag" {
				found = true
			} else {
				others = append(others, fmt.Sprintf("%s %q", cmp.Or(b.Type, "branch"), b.Name))
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("environment %q does not admit branch %s: add it as its deployment branch", e.name, branch))
		}
		if len(others) > 0 {
			problems = append(problems, fmt.Sprintf("environment %q also admits %s: %s only (%s)", e.name, strings.Join(others, ", "), branch, e.why))
		}
	}
	reviewers, selfReview := 0, true
	for _, r := range env.ProtectionRules {
		if r.Type == "required_reviewers" {
			reviewers += len(r.Reviewers)
			selfReview = !r.PreventSelfReview
		}
	}
	switch {
	case e.reviewers && reviewers == 0:
		problems = append(problems, fmt.Sprintf("environment %q has no required reviewers: add them (%s)", e.name, e.why))
	case e.reviewers && selfReview:
		problems = append(problems, fmt.Sprintf("environment %q lets a reviewer approve their own run: turn on \"Prevent self-review\" (%s)", e.name, e.why))
	case e.recommendReviewers && reviewers == 0:
		notes = append(notes, fmt.Sprintf("environment %q has no required reviewers: every push to %s reaches production unreviewed (optional, recommended)", e.name, branch))
	}
	if e.reviewers && (env.CanAdminsBypass == nil || *env.CanAdminsBypass) {
		notes = append(notes, fmt.Sprintf("environment %q lets administrators bypass its rules: turn \"Allow administrators to bypass\" off unless that is your choice", e.name))
	}
	return problems, notes, nil
}
