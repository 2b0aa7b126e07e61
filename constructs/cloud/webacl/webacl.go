// Package webacl is an AWS WAF web ACL for CloudFront distributions or a
// regional load balancer: AWS's managed common rule set (the OWASP-style
// protections AWS maintains) and a per-IP rate limit.
package webacl

import (
	"regexp"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Scopes of a web ACL.
const (
	// ScopeCloudFront protects distributions; the ACL must be created in
	// us-east-1 (give Provider).
	ScopeCloudFront = "CLOUDFRONT"
	// ScopeRegional protects a load balancer in the stack's region.
	ScopeRegional = "REGIONAL"
)

// Props configures the web ACL.
type Props struct {
	// Name of the web ACL (1-128 of A-Z, a-z, 0-9, '-', '_'). Required.
	Name string
	// Scope is ScopeCloudFront or ScopeRegional. Required.
	Scope string
	// RateLimit is how many requests one IP may send in 5 minutes before it
	// is blocked, 10 to 2000000000. Default 2000.
	RateLimit int
	// Provider is the aws provider to create it with; a CLOUDFRONT ACL
	// needs one for us-east-1. Default nil: the stack's default provider.
	Provider cdktf.TerraformProvider
}

// DefaultRateLimit is the requests per IP and 5 minutes allowed by default.
const DefaultRateLimit = awsrules.DefaultWAFRateLimit

// WebACL is the ACL.
type WebACL struct {
	constructs.Construct
	ACL wafv2webacl.Wafv2WebAcl
}

var aclName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// New creates the web ACL under scope.
func New(scope constructs.Construct, id string, props Props) (*WebACL, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	visibility := func(metric string) *wafv2webacl.Wafv2WebAclRuleVisibilityConfig {
		return &wafv2webacl.Wafv2WebAclRuleVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(props.Name + "-" + metric), SampledRequestsEnabled: jsii.Bool(true),
		}
	}
	acl := wafv2webacl.NewWafv2WebAcl(c, jsii.String("acl"), &wafv2webacl.Wafv2WebAclConfig{
		Name:          jsii.String(props.Name),
		Scope:         jsii.String(props.Scope),
		Description:   jsii.String("AWS managed common rules and a per-IP rate limit"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		// Statements are written in Terraform's own block names.
		Rule: &[]*wafv2webacl.Wafv2WebAclRule{
			{
				Name: jsii.String("aws-common-rules"), Priority: jsii.Number(1),
				OverrideAction: &wafv2webacl.Wafv2WebAclRuleOverrideAction{None: &wafv2webacl.Wafv2WebAclRuleOverrideActionNone{}},
				Statement: map[string]any{"managed_rule_group_statement": map[string]any{
					"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS",
				}},
				VisibilityConfig: visibility("common"),
			},
			{
				Name: jsii.String("rate-limit-per-ip"), Priority: jsii.Number(2),
				Action: &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}},
				Statement: map[string]any{"rate_based_statement": map[string]any{
					"limit": props.RateLimit, "aggregate_key_type": "IP",
				}},
				VisibilityConfig: visibility("rate"),
			},
		},
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(props.Name), SampledRequestsEnabled: jsii.Bool(true),
		},
		Provider: props.Provider,
	})
	return &WebACL{Construct: c, ACL: acl}, nil
}

// Associate attaches a regional ACL to a load balancer (CloudFront
// distributions name their ACL themselves, with ARN()).
func (w *WebACL) Associate(id string, resourceARN *string) {
	wafv2webaclassociation.NewWafv2WebAclAssociation(w.Construct, jsii.String(id), &wafv2webaclassociation.Wafv2WebAclAssociationConfigA{
		WebAclArn: w.ACL.Arn(), ResourceArn: resourceARN,
	})
}

// ARN is the ACL's ARN token (CloudFront's web_acl_id takes the ARN).
func (w *WebACL) ARN() *string { return w.ACL.Arn() }

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.RateLimit == 0 {
		p.RateLimit = DefaultRateLimit
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	if !aclName.MatchString(p.Name) {
		check.Add("Name", p.Name, "is not 1-128 of A-Z, a-z, 0-9, '-', '_'")
	}
	propcheck.OneOf(check, "Scope", p.Scope, ScopeCloudFront, ScopeRegional)
	check.Range("RateLimit", p.RateLimit, 10, 2_000_000_000)
	return check.Err()
}
