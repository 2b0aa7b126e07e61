package awsrules

// LogRetentionDays are the retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// DefaultLogRetentionDays is how long CloudWatch keeps the app, VPC flow
// and migration logs unless told otherwise.
const DefaultLogRetentionDays = 30
