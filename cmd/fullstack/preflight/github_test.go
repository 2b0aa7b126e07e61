package preflight

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
)

// githubSettings is a repository's settings as GitHub's REST API returns
// them (the shapes of "Get an environment", "List deployment branch
// policies" and "Get a branch"). GitHub cannot run here, so this server
// stands in for it; the shapes are GitHub's documented ones.
type githubSettings struct {
	environments map[string]fakeEnvironment
	protected    bool
	status       int // non-zero: every request answers with it
}

type fakeEnvironment struct {
	policy    string // "", "protected", "custom", or "none" (neither flag)
	branches  []string
	reviewers int
	// selfReview: a reviewer may approve their own run.
	selfReview bool
	// extraPolicies are more policies than the first page holds.
	extraPolicies int
}

func (s githubSettings) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if s.status != 0 {
			w.WriteHeader(s.status)
			return
		}
		const prefix = "/repos/homecloud-dev/notes"
		path := strings.TrimPrefix(r.URL.Path, prefix)
		switch {
		case path == "/branches/main":
			json.NewEncoder(w).Encode(map[string]any{"name": "main", "protected": s.protected})
		case strings.HasSuffix(path, "/deployment-branch-policies"):
			e := s.environments[strings.TrimSuffix(strings.TrimPrefix(path, "/environments/"), "/deployment-branch-policies")]
			var list []map[string]any
			for i, b := range e.branches {
				typ := "branch"
				if strings.HasPrefix(b, "tag:") {
					typ, b = "tag", strings.TrimPrefix(b, "tag:")
				}
				list = append(list, map[string]any{"id": i + 1, "name": b, "type": typ})
			}
			json.NewEncoder(w).Encode(map[string]any{"total_count": len(list) + e.extraPolicies, "branch_policies": list})
		case strings.HasPrefix(path, "/environments/"):
			e, ok := s.environments[strings.TrimPrefix(path, "/environments/")]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			body := map[string]any{"name": strings.TrimPrefix(path, "/environments/"), "protection_rules": []any{}, "can_admins_bypass": false}
			if e.reviewers > 0 {
				var reviewers []any
				for i := range e.reviewers {
					reviewers = append(reviewers, map[string]any{"type": "User", "reviewer": map[string]any{"login": fmt.Sprint("maintainer", i)}})
				}
				body["protection_rules"] = []any{map[string]any{"id": 1, "type": "required_reviewers", "prevent_self_review": !e.selfReview, "reviewers": reviewers}}
			}
			switch e.policy {
			case "":
				body["deployment_branch_policy"] = nil
			case "protected":
				body["deployment_branch_policy"] = map[string]bool{"protected_branches": true, "custom_branch_policies": false}
			case "custom":
				body["deployment_branch_policy"] = map[string]bool{"protected_branches": false, "custom_branch_policies": true}
			case "none":
				body["deployment_branch_policy"] = map[string]bool{"protected_branches": false, "custom_branch_policies": false}
			}
			json.NewEncoder(w).Encode(body)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func goodSettings() githubSettings {
	mainOnly := fakeEnvironment{policy: "custom", branches: []string{"main"}}
	reviewed := mainOnly
	reviewed.reviewers = 1
	return githubSettings{protected: true, environments: map[string]fakeEnvironment{
		"staging": mainOnly, "release": mainOnly, "production": reviewed, "preview": reviewed, "preview-teardown": mainOnly,
	}}
}

func githubProject() *config.Project {
	p := &config.Project{Name: "notes"}
	p.Cloud.GitHub = config.GitHub{Owner: "homecloud-dev", Repo: "notes", Branch: "main", Environment: "production", ReleaseEnvironment: "release"}
	return p
}

func githubEnv(srv *httptest.Server, extra ...string) runnerEnv {
	m := map[string]string{"GITHUB_TOKEN": "secret-token", "GITHUB_API_URL": srv.URL}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return envOf(m)
}

func TestGitHubSettingsThatHold(t *testing.T) {
	notes, err := checkGitHub(githubProject(), githubEnv(goodSettings().serve(t), "GITHUB_REPOSITORY", "homecloud-dev/notes"))
	if err != nil || len(notes) != 0 {
		t.Fatalf("good settings: notes %v, err %v", notes, err)
	}
	s := goodSettings()
	s.environments["production"] = fakeEnvironment{policy: "custom", branches: []string{"main"}}
	notes, err = checkGitHub(githubProject(), githubEnv(s.serve(t)))
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], `"production" has no required reviewers`) {
		t.Errorf("production without reviewers is advice, not a refusal: notes %v, err %v", notes, err)
	}
}

func TestGitHubSettingsRefusedAllAtOnce(t *testing.T) {
	s := goodSettings()
	delete(s.environments, "staging")
	s.environments["release"] = fakeEnvironment{policy: ""}
	s.environments["production"] = fakeEnvironment{policy: "protected", reviewers: 1}
	s.environments["preview"] = fakeEnvironment{policy: "custom", branches: []string{"main"}}
	s.environments["preview-teardown"] = fakeEnvironment{policy: "custom", branches: []string{"main", "feature/*", "tag:v*"}}
	s.protected = false
	_, err := checkGitHub(githubProject(), githubEnv(s.serve(t), "GITHUB_REPOSITORY", "someone/fork"))
	if err == nil {
		t.Fatal("broken settings passed")
	}
	for _, want := range []string{
		"this workflow runs in someone/fork, but cloud.github names homecloud-dev/notes",
		`environment "staging" does not exist: create it with deployment branch main only`,
		`environment "release" lets every branch deploy: restrict it to main (the promote role trusts only jobs in it)`,
		`environment "production" admits every protected branch`,
		`environment "preview" has no required reviewers`,
		`environment "preview-teardown" also admits branch "feature/*", tag "v*": main only`,
		"branch main is not protected",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	s = goodSettings()
	s.environments["preview"] = fakeEnvironment{policy: "custom", branches: []string{"main"}, reviewers: 2, selfReview: true}
	s.environments["staging"] = fakeEnvironment{policy: "none"}
	s.environments["production"] = fakeEnvironment{policy: "custom", branches: []string{"main"}, reviewers: 1, extraPolicies: 120}
	_, err = checkGitHub(githubProject(), githubEnv(s.serve(t)))
	for _, want := range []string{
		`environment "preview" lets a reviewer approve their own run: turn on "Prevent self-review"`,
		`environment "staging" has a deployment branch policy that names no branch`,
		`environment "production" admits 121 branch and tag patterns: main only`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	s = goodSettings()
	s.environments["release"] = fakeEnvironment{policy: "custom", branches: []string{"release/*"}}
	if _, err := checkGitHub(githubProject(), githubEnv(s.serve(t))); err == nil || !strings.Contains(err.Error(), `environment "release" does not admit branch main`) {
		t.Errorf("an environment without the release branch: %v", err)
	}
}

func TestGitHubSettingsNeedAToken(t *testing.T) {
	srv := goodSettings().serve(t)
	if _, err := checkGitHub(githubProject(), envOf(map[string]string{"GITHUB_API_URL": srv.URL})); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN is not set") {
		t.Errorf("no token: %v", err)
	}
	if _, err := checkGitHub(githubProject(), githubEnv(srv, "GITHUB_TOKEN", "wrong")); err == nil || !strings.Contains(err.Error(), "permissions: actions: read") {
		t.Errorf("a refused token: %v", err)
	}
	p := githubProject()
	p.Cloud.GitHub.Owner = ""
	if _, err := checkGitHub(p, githubEnv(srv)); err == nil || !strings.Contains(err.Error(), "cloud.github.owner") {
		t.Errorf("no repository: %v", err)
	}
}
