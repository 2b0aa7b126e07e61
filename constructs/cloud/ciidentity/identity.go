package ciidentity

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
)

// Props configures the CI identity.
type Props struct {
	// Owner and Repo are the GitHub repository. Required.
	Owner, Repo string
	// Environment is the GitHub environment whose jobs may assume the
	// deploy role (production). Required.
	Environment string
	// PromoteEnvironment is the GitHub environment whose jobs may assume
	// the promote role (ECR push). Required, and not Environment.
	PromoteEnvironment string
	// ExistingProviderARN reuses the account's GitHub OIDC provider (one
	// per account). Default empty: create it.
	ExistingProviderARN string
	// RoleName of the deploy role. Required.
	RoleName string
	// PromoteRoleName of the promote role. Required.
	PromoteRoleName string
	// Scope limits both roles' permissions. Required.
	Scope Scope
	// MaxSessionSeconds of a session of either role, within IAM's
	// awsrules.MinRoleSessionSeconds-MaxRoleSessionSeconds. Default
	// awsrules.MinRoleSessionSeconds (one hour), the shortest.
	MaxSessionSeconds int
}

// Role is one role GitHub Actions assumes, with its inline policy and the
// one subject it trusts.
type Role struct {
	Role    iamrole.IamRole
	Policy  iamrolepolicy.IamRolePolicy
	Subject string
}

// ARN is the role's ARN token (a workflow's role-to-assume).
func (r *Role) ARN() *string { return r.Role.Arn() }

// Identity is the OIDC provider and the two roles.
type Identity struct {
	constructs.Construct
	// Provider is nil when an existing provider is reused.
	Provider iamopenidconnectprovider.IamOpenidConnectProvider
	// Deploy runs `cdktf deploy cloud` (no ECR push).
	Deploy *Role
	// Promote copies a release's images into ECR (nothing else).
	Promote *Role
}

const (
	idProvider      = "github-oidc"
	idRole          = "deploy-role"
	idPolicy        = "deploy-policy"
	idPromoteRole   = "promote-role"
	idPromotePolicy = "promote-policy"
)

func (p *Props) defaults() {
	if p.MaxSessionSeconds == 0 {
		p.MaxSessionSeconds = awsrules.MinRoleSessionSeconds
	}
}

// New creates the identity under scope.
func New(scope constructs.Construct, id string, props Props) (*Identity, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	ident := &Identity{Construct: c}
	providerARN := props.ExistingProviderARN
	if providerARN == "" {
		ident.Provider = iamopenidconnectprovider.NewIamOpenidConnectProvider(c, jsii.String(idProvider), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
			Url:          jsii.String("https://" + GitHubOIDCHost),
			ClientIdList: jsii.Strings(Audience),
		})
		providerARN = *ident.Provider.Arn()
	}
	newRole := func(roleID, policyID, name, environment, purpose, policyName string, policy iampolicy.Document) *Role {
		subject := Subject(props.Owner, props.Repo, environment)
		role := iamrole.NewIamRole(c, jsii.String(roleID), &iamrole.IamRoleConfig{
			Name:               jsii.String(name),
			Description:        jsii.String(fmt.Sprintf("GitHub Actions %s of %s/%s (environment %s)", purpose, props.Owner, props.Repo, environment)),
			AssumeRolePolicy:   jsii.String(trustPolicy(providerARN, subject).JSON()),
			MaxSessionDuration: jsii.Number(float64(props.MaxSessionSeconds)),
		})
		pol := iamrolepolicy.NewIamRolePolicy(c, jsii.String(policyID), &iamrolepolicy.IamRolePolicyConfig{
			Role:   role.Id(),
			Name:   jsii.String(policyName),
			Policy: jsii.String(policy.JSON()),
		})
		return &Role{Role: role, Policy: pol, Subject: subject}
	}
	ident.Deploy = newRole(idRole, idPolicy, props.RoleName, props.Environment, "deploys", "deploy-project", DeployPolicy(props.Scope))
	ident.Promote = newRole(idPromoteRole, idPromotePolicy, props.PromoteRoleName, props.PromoteEnvironment, "release promotions", "promote-release", PromotePolicy(props.Scope))
	return ident, nil
}

func (p Props) validate(check *propcheck.Errors) error {
	required := [][2]string{{"Owner", p.Owner}, {"Repo", p.Repo}, {"Environment", p.Environment}, {"PromoteEnvironment", p.PromoteEnvironment},
		{"RoleName", p.RoleName}, {"PromoteRoleName", p.PromoteRoleName},
		{"Scope.Project", p.Scope.Project}, {"Scope.StateBucket", p.Scope.StateBucket}, {"Scope.LockTable", p.Scope.LockTable}}
	for _, f := range required {
		check.Required(f[0], f[1])
	}
	if p.Environment != "" && p.Environment == p.PromoteEnvironment {
		check.Add("PromoteEnvironment", p.PromoteEnvironment, "must differ from Environment: each role trusts its own environment")
	}
	if p.RoleName != "" && p.RoleName == p.PromoteRoleName {
		check.Add("PromoteRoleName", p.PromoteRoleName, "must differ from RoleName")
	}
	check.Range("MaxSessionSeconds", p.MaxSessionSeconds, awsrules.MinRoleSessionSeconds, awsrules.MaxRoleSessionSeconds)
	return check.Err()
}
