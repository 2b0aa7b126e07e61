package config

import (
	"net/netip"
	"regexp"
	"strings"
)

// Patterns for the names the project file accepts.
var (
	// dnsLabel: lowercase letters, digits and single hyphens, starting with
	// a letter and ending with a letter or digit (RFC 1123, and what RDS,
	// ELB and ECR all accept).
	dnsLabel      = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	awsRegion     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`)
	envVarName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	pgIdentifier  = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	dockerName    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$`)
	s3BucketName  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	dynamoTable   = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
	githubOwner   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,38})$`)
	githubRepo    = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	hostnameOrIP  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$`)
	healthPathChr = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]*$`)
)

// Rule texts shared by several fields.
const (
	ruleDNSLabel = "is not a lowercase DNS label: use a-z, 0-9 and single hyphens, start with a letter, end with a letter or digit, at most 63 chars"
	rulePort     = "is not a valid TCP port: use 1-65535"
)

// isDNSLabel reports whether s is a label every derived name accepts.
func isDNSLabel(s string) bool {
	return len(s) <= 63 && dnsLabel.MatchString(s) && !strings.Contains(s, "--")
}

// privateRanges are the RFC 1918 blocks a VPC CIDR must fall inside.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

var oidcProviderARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)

// dockerLogSize is a json-file max-size: a number with k, m or g.
var dockerLogSize = regexp.MustCompile(`^[1-9][0-9]*[kmg]$`)

// imageRef is a Docker image reference pinned to a tag (no "latest").
var imageRef = regexp.MustCompile(`^[a-z0-9][a-z0-9._/-]*(:[0-9]+)?(/[a-z0-9._-]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

var (
	postgresVersions = []string{"13", "14", "15", "16", "17"}
	sslModes         = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
	dockerSchemes    = []string{"unix://", "tcp://", "ssh://", "npipe://"}
)
