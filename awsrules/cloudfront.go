package awsrules

// A site's CloudFront cache TTLs in seconds unless told otherwise:
// fingerprinted assets may stay a day, index.html is revalidated hourly.
const (
	DefaultMinTTL     = 0
	DefaultDefaultTTL = 3600
	DefaultMaxTTL     = 86400
)
