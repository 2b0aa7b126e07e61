package ciidentity

import (
	"fmt"

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
	// Branch that may deploy. Required.
	Branch string
	// Environment is the GitHub environment that may deploy. Default none.
	Environment string
	// ExistingProviderARN reuses the account's GitHub OIDC provider (one
	// per account). Default empty: create it.
	ExistingProviderARN string
	// RoleName of the deploy role. Required.
	RoleName string
	// Scope limits the deploy role's permissions. Required.
	Scope Scope
	// MaxSessionSeconds of a deploy session. Default 3600.
	MaxSessionSeconds int
}

// Identity is the OIDC provider and the deploy role.
type Identity struct {
	constructs.Construct
	// Provider is nil when an existing provider is reused.
	Provider iamopenidconnectprovider.IamOpenidConnectProvider
	Role     iamrole.IamRole
	Policy   iamrolepolicy.IamRolePolicy
	// Subjects are the trusted `sub` claims.
	Subjects []string
}

const (
	idProvider = "github-oidc"
	idRole     = "deploy-role"
	idPolicy   = "deploy-policy"
)

// New creates the identity under scope.
func New(scope constructs.Construct, id string, props Props) (*Identity, error) {
	if props.MaxSessionSeconds == 0 {
		props.MaxSessionSeconds = 3600
	}
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	ident := &Identity{Construct: c, Subjects: Subjects(props.Owner, props.Repo, props.Branch, props.Environment)}
	providerARN := props.ExistingProviderARN
	if providerARN == "" {
		ident.Provider = iamopenidconnectprovider.NewIamOpenidConnectProvider(c, jsii.String(idProvider), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
			Url:          jsii.String("https://" + GitHubOIDCHost),
			ClientIdList: jsii.Strings(Audience),
		})
		providerARN = *ident.Provider.Arn()
	}
	ident.Role = iamrole.NewIamRole(c, jsii.String(idRole), &iamrole.IamRoleConfig{
		Name:               jsii.String(props.RoleName),
		Description:        jsii.String(fmt.Sprintf("GitHub Actions deploys of %s/%s", props.Owner, props.Repo)),
		AssumeRolePolicy:   jsii.String(trustPolicy(providerARN, ident.Subjects).JSON()),
		MaxSessionDuration: jsii.Number(float64(props.MaxSessionSeconds)),
	})
	ident.Policy = iamrolepolicy.NewIamRolePolicy(c, jsii.String(idPolicy), &iamrolepolicy.IamRolePolicyConfig{
		Role:   ident.Role.Id(),
		Name:   jsii.String("deploy-project"),
		Policy: jsii.String(DeployPolicy(props.Scope).JSON()),
	})
	return ident, nil
}

// RoleARN is the deploy role ARN token (the workflow's role-to-assume).
func (i *Identity) RoleARN() *string { return i.Role.Arn() }

func (p Props) validate(check *propcheck.Errors) error {
	required := [][2]string{{"Owner", p.Owner}, {"Repo", p.Repo}, {"Branch", p.Branch}, {"RoleName", p.RoleName},
		{"Scope.Project", p.Scope.Project}, {"Scope.StateBucket", p.Scope.StateBucket}, {"Scope.LockTable", p.Scope.LockTable}}
	for _, f := range required {
		check.Required(f[0], f[1])
	}
	check.Range("MaxSessionSeconds", p.MaxSessionSeconds, 3600, 43200)
	return check.Err()
}
