// Package appsecrets keeps an app's secrets in AWS Secrets Manager, one
// secret "<project>/<app>/<NAME>" per environment variable, for ECS to
// inject at task start. The values come from sensitive Terraform
// variables: they are in the Terraform state (keep it private) but never
// in the synthesized JSON or the task definition.
package appsecrets

import (
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// Props configures the secrets.
type Props struct {
	// Project and App prefix every secret's name. Required.
	Project, App string
	// Values by environment variable name (tokens of sensitive variables).
	// Required, at least one.
	Values map[string]*string
	// RecoveryWindowDays is how long a deleted secret can be restored,
	// 7-30, or 0 with ForceDelete. Default 7.
	RecoveryWindowDays int
	// ForceDelete deletes at once on destroy (throwaway environments; the
	// stacks set it on the emulator). Default false.
	ForceDelete bool
	// KMSKeyARN encrypts the secrets with a customer-managed key. Default
	// empty: the account's aws/secretsmanager key.
	KMSKeyARN string
}

// DefaultRecoveryWindowDays is the shortest window AWS allows.
const DefaultRecoveryWindowDays = 7

// Secrets are the app's secrets.
type Secrets struct {
	constructs.Construct
	// ARNs by environment variable name.
	ARNs map[string]*string
}

// New creates the secrets under scope.
func New(scope constructs.Construct, id string, props Props) (*Secrets, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	window := props.RecoveryWindowDays
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Secrets{Construct: c, ARNs: map[string]*string{}}
	names := make([]string, 0, len(props.Values))
	for n := range props.Values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		secret := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String(name), &secretsmanagersecret.SecretsmanagerSecretConfig{
			Name:                 jsii.String(props.Project + "/" + props.App + "/" + name),
			Description:          jsii.String("Secret " + name + " of app " + props.App),
			RecoveryWindowInDays: jsii.Number(float64(window)),
			KmsKeyId:             tfstring.OrNil(props.KMSKeyARN),
			Tags:                 &map[string]*string{"app": jsii.String(props.App)},
		})
		secretsmanagersecretversion.NewSecretsmanagerSecretVersion(c, jsii.String(name+"-value"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
			SecretId: secret.Id(), SecretString: props.Values[name],
		})
		s.ARNs[name] = secret.Arn()
	}
	return s, nil
}

// defaults fills the recovery window: DefaultRecoveryWindowDays, or none
// (0) with ForceDelete.
func (p *Props) defaults() {
	if p.ForceDelete {
		p.RecoveryWindowDays = 0
	} else if p.RecoveryWindowDays == 0 {
		p.RecoveryWindowDays = DefaultRecoveryWindowDays
	}
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Project", p.Project)
	check.Required("App", p.App)
	if len(p.Values) == 0 {
		check.Add("Values", len(p.Values), "at least one secret is required")
	}
	if !p.ForceDelete {
		check.Range("RecoveryWindowDays", p.RecoveryWindowDays, 7, 30)
	}
	return check.Err()
}
