package naming

// ECR image tags of a release. The tags are the vocabulary of the ECR
// lifecycle rules (containerregistry) and of promotion (cmd/fullstack/promote):
// written once here so the two cannot drift.
const (
	// FlywayTagSuffix ends a migration image's tag: <release id>-flyway.
	FlywayTagSuffix = "-flyway"
	// RunningTag is moved onto the app image production runs, and
	// RunningTag+FlywayTagSuffix onto its migration image; the lifecycle
	// never expires them.
	RunningTag = "running"
	// SignaturePattern matches cosign's signature tags (sha256-<hex>.sig).
	SignaturePattern = "sha256-*.sig"
)

// ReleaseImageTag is the tag promote gives a release's app image, or its
// migration image when flyway is set.
func ReleaseImageTag(releaseID string, flyway bool) string {
	if flyway {
		return releaseID + FlywayTagSuffix
	}
	return releaseID
}
