package ciidentity

import "github.com/homecloud-dev/fullstack/constructs/iampolicy"

// GitHubOIDCHost is GitHub Actions' token issuer.
const GitHubOIDCHost = "token.actions.githubusercontent.com"

// Audience is the audience the official AWS credentials action requests.
const Audience = "sts.amazonaws.com"

// Subjects are the exact `sub` claims the deploy role trusts: a push or
// dispatch on the branch, and a job running in the GitHub environment
// (GitHub then puts the environment, not the ref, in the claim).
func Subjects(owner, repo, branch, environment string) []string {
	base := "repo:" + owner + "/" + repo
	subs := []string{base + ":ref:refs/heads/" + branch}
	if environment != "" {
		subs = append(subs, base+":environment:"+environment)
	}
	return subs
}

// trustPolicy lets only tokens from GitHub for those subjects assume the
// role. StringEquals, never StringLike: no wildcard can widen the trust.
func trustPolicy(providerARN string, subjects []string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActionsDeploy",
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{
			"StringEquals": {
				GitHubOIDCHost + ":aud": Audience,
				GitHubOIDCHost + ":sub": subjects,
			},
		},
	})
}
