package naming

import "strconv"

// MaxPreviewNumber bounds a pull request number, so that every name
// derived from it stays within Docker's and PostgreSQL's limits.
const MaxPreviewNumber = 9_999_999

// PreviewEnvironment is pull request n's environment on the home server:
// pr-<n>. It labels the preview's containers and prefixes its images'
// repositories in the home registry.
func PreviewEnvironment(n int) string { return "pr-" + strconv.Itoa(n) }

// PreviewProject names preview n's containers: <project>-pr-<n>, so
// <project>-pr-<n>-<app>-<revision>.
func PreviewProject(project string, n int) string {
	return project + "-" + PreviewEnvironment(n)
}

// PreviewHost is where app answers in preview n: <app>.pr-<n>.<domain>;
// app "" is the preview's front (its first site, else its first app):
// pr-<n>.<domain>.
func PreviewHost(domain string, n int, app string) string {
	host := PreviewEnvironment(n) + "." + domain
	if app == "" {
		return host
	}
	return app + "." + host
}

// PreviewDatabaseSuffix is appended to an app's database and role name in
// preview n: notes_api_pr_42.
func PreviewDatabaseSuffix(n int) string { return "_pr_" + strconv.Itoa(n) }
