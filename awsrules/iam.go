package awsrules

// An IAM role's maximum session duration lies between these, in seconds
// (IAM's MaxSessionDuration: one hour to twelve).
const (
	MinRoleSessionSeconds = 3600
	MaxRoleSessionSeconds = 43200
)
