package ciidentity

import "github.com/homecloud-dev/fullstack/constructs/iampolicy"

// GitHubOIDCHost is GitHub Actions' token issuer.
const GitHubOIDCHost = "token.actions.githubusercontent.com"

// Audience is the audience the official AWS credentials action requests.
const Audience = "sts.amazonaws.com"

// Subject is the exact `sub` claim of a job that runs in a GitHub
// environment of owner/repo (GitHub then puts the environment, not the
// ref, in the claim). A role trusts one such subject and never a ref:
// which branches may use the environment is the environment's own rule
// (docs/security.md), so that a job on main without the environment, or a
// branch that names it without the rule allowing it, gets nothing.
func Subject(owner, repo, environment string) string {
	return "repo:" + owner + "/" + repo + ":environment:" + environment
}

// trustPolicy lets only tokens from GitHub for those subjects assume the
// role. StringEquals, never StringLike: no wildcard can widen the trust.
func trustPolicy(providerARN, subject string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActionsDeploy",
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{
			"StringEquals": {
				GitHubOIDCHost + ":aud": Audience,
				GitHubOIDCHost + ":sub": subject,
			},
		},
	})
}
