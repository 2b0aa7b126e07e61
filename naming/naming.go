package naming

import "fmt"

// Kind is the kind of a derived name; each kind has its own AWS limit.
type Kind string

// The derived names and the AWS limits they must fit.
const (
	LoadBalancer  Kind = "load balancer name"          // elbv2: 32 chars
	TargetGroup   Kind = "target group name"           // elbv2: 32 chars
	DBInstance    Kind = "RDS instance identifier"     // rds: 63 chars
	IAMRole       Kind = "IAM role name"               // iam: 64 chars
	ECRRepository Kind = "ECR repository name"         // ecr: 256 chars
	LogGroup      Kind = "CloudWatch log group"        // logs: 512 chars
	ECSCluster    Kind = "ECS cluster name"            // ecs: 255 chars
	DockerNetwork Kind = "Docker network name"         // no hard limit; kept short
	ContainerName Kind = "Docker container name"       // no hard limit; kept short
	DatabaseName  Kind = "PostgreSQL identifier"       // NAMEDATALEN-1 = 63 bytes
	TagValue      Kind = "tag value"                   // every service: 256 chars
	SecretName    Kind = "Secrets Manager secret name" // secretsmanager: 512 chars
)

// MaxLen is the longest name AWS (or Docker/PostgreSQL) accepts per kind.
var MaxLen = map[Kind]int{
	LoadBalancer:  32,
	TargetGroup:   32,
	DBInstance:    63,
	IAMRole:       64,
	ECRRepository: 256,
	LogGroup:      512,
	ECSCluster:    255,
	DockerNetwork: 63,
	ContainerName: 63,
	DatabaseName:  63,
	TagValue:      256,
	SecretName:    512,
}

// Name is one derived name with its kind.
type Name struct {
	Kind  Kind
	Value string
}

// ReservedPrefix is a start AWS refuses for a kind's names: an internal
// load balancer's DNS name begins with "internal-", so no name may.
var ReservedPrefix = map[Kind]string{LoadBalancer: "internal-"}

// Reserved explains a name that begins with its kind's reserved prefix
// ("" when it does not), for validation messages.
func (n Name) Reserved() string {
	if p := ReservedPrefix[n.Kind]; p != "" && len(n.Value) >= len(p) && n.Value[:len(p)] == p {
		return fmt.Sprintf("gives %s %q, and AWS refuses one beginning with %q", n.Kind, n.Value, p)
	}
	return ""
}

// TooLong reports whether the name exceeds its kind's limit.
func (n Name) TooLong() bool { return len(n.Value) > MaxLen[n.Kind] }

// String returns the name itself.
func (n Name) String() string { return n.Value }

// Describe explains a name that is too long, for validation messages.
func (n Name) Describe() string {
	return fmt.Sprintf("gives %s %q (%d chars), longer than the limit of %d",
		n.Kind, n.Value, len(n.Value), MaxLen[n.Kind])
}
