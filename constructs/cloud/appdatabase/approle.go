package appdatabase

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawssecretsmanagerrandompassword"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/homecloud-dev/fullstack/constructs/tfstring"
	"github.com/homecloud-dev/fullstack/naming"
)

const (
	idAppRolePassword = "app-role-password"
	idAppRoleSecret   = "app-role-secret"
	idAppRoleValue    = "app-role-secret-value"
	// appRolePasswordLength is long enough for letters and digits alone
	// (dbspec.AppRolePasswordRule) to carry over 230 bits.
	appRolePasswordLength = 40
)

// newAppRoleSecret keeps the app role's name and password (JSON with
// "username" and "password", as RDS keeps the master's) in a secret of its
// own. The migration task creates the role with it; the app's tasks
// connect with it; neither sees the other's. AWS generates the password
// once; later plans keep the stored one.
func newAppRoleSecret(c constructs.Construct, props Props, recoveryWindowDays int) (secretsmanagersecret.SecretsmanagerSecret, secretsmanagersecretversion.SecretsmanagerSecretVersion) {
	password := dataawssecretsmanagerrandompassword.NewDataAwsSecretsmanagerRandomPassword(c, jsii.String(idAppRolePassword),
		&dataawssecretsmanagerrandompassword.DataAwsSecretsmanagerRandomPasswordConfig{
			PasswordLength:     jsii.Number(appRolePasswordLength),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		})
	secret := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String(idAppRoleSecret), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:                 jsii.String(naming.AppDBRoleSecret(props.Project, props.App).Value),
		Description:          jsii.String("Login of " + props.App + "'s own database role " + props.Spec.AppRole()),
		RecoveryWindowInDays: jsii.Number(float64(recoveryWindowDays)),
		KmsKeyId:             tfstring.OrNil(props.KMSKeyARN),
		Tags:                 &map[string]*string{"app": jsii.String(props.App)},
	})
	version := secretsmanagersecretversion.NewSecretsmanagerSecretVersion(c, jsii.String(idAppRoleValue), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
		SecretId: secret.Id(),
		SecretString: cdktf.Fn_Jsonencode(&map[string]any{
			"username": props.Spec.AppRole(), "password": password.RandomPassword(),
		}),
		// The random password data source draws a new one on every plan:
		// the first one stored stays.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("secret_string")},
	})
	return secret, version
}
