package awsrules

// Defaults of each ECR repository's lifecycle policy.
const (
	// DefaultKeepTaggedImages tagged images are kept per repository,
	// enough to roll back to any recent release.
	DefaultKeepTaggedImages = 30
	// DefaultUntaggedExpiryDays after which an untagged image is removed.
	DefaultUntaggedExpiryDays = 7
)
