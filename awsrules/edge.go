package awsrules

// DefaultWAFRateLimit is how many requests one IP may send in 5 minutes
// before the web ACL blocks it.
const DefaultWAFRateLimit = 2000

// DefaultAccessLogRetentionDays after which an access log object is
// deleted.
const DefaultAccessLogRetentionDays = 90
