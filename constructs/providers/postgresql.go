package providers

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	pgprovider "github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
)

// PostgreSQLProps configures the postgresql provider.
type PostgreSQLProps struct {
	// Host and Port of the server. Required.
	Host string
	Port int
	// Username is the superuser. Required.
	Username string
	// SSLMode is libpq's sslmode. Required.
	SSLMode string
	// Version is the server's major version. Required.
	Version string
}

// PasswordVariable adds a sensitive string variable holding a password of
// at least config.MinPasswordLength characters, without a backslash (the
// postgresql provider doubles backslashes when it sets a role's password,
// so the role would not accept the password it was given). Its value comes
// from TF_VAR_<name> and never appears in cdk.tf.json.
func PasswordVariable(stack cdktf.TerraformStack, name, description string) cdktf.TerraformVariable {
	v := SecretVariable(stack, name, description, config.MinPasswordLength)
	v.AddValidation(&cdktf.TerraformVariableValidationConfig{
		Condition:    jsii.String(fmt.Sprintf(`${!strcontains(var.%s, "\\")}`, name)),
		ErrorMessage: jsii.String(fmt.Sprintf("%s contains a backslash: choose a password without one (the postgresql provider mangles it).", name)),
	})
	return v
}

// SecretVariable adds a sensitive string variable of at least minLength
// characters. Its empty default means Terraform never prompts for it (a
// deploy from CI would hang): a missing value fails the plan at once,
// naming TF_VAR_<name>.
func SecretVariable(stack cdktf.TerraformStack, name, description string, minLength int) cdktf.TerraformVariable {
	return cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
		Type:        jsii.String("string"),
		Sensitive:   jsii.Bool(true),
		Nullable:    jsii.Bool(false),
		Default:     jsii.String(""),
		Description: jsii.String(description + " (set TF_VAR_" + name + ")."),
		Validation: &[]*cdktf.TerraformVariableValidationConfig{{
			Condition: jsii.String(fmt.Sprintf("${length(var.%s) >= %d}", name, minLength)),
			ErrorMessage: jsii.String(fmt.Sprintf("%s is not set or shorter than %d characters: export TF_VAR_%s (%s).",
				name, minLength, name, description)),
		}},
	})
}

// NewPostgreSQL adds the postgresql provider and the sensitive variable
// its password comes from. It returns both so constructs that need the
// password (the PostgreSQL container) use the same variable.
func NewPostgreSQL(stack cdktf.TerraformStack, id string, props PostgreSQLProps) (pgprovider.PostgresqlProvider, cdktf.TerraformVariable) {
	password := PasswordVariable(stack, config.PostgresPasswordVariable, "Superuser password of the on-prem PostgreSQL cluster")
	p := pgprovider.NewPostgresqlProvider(stack, jsii.String(id), &pgprovider.PostgresqlProviderConfig{
		// A known server version means the provider never has to connect
		// just to configure itself, so plans work before the server exists.
		ExpectedVersion: jsii.String(props.Version),
		Host:            jsii.String(props.Host),
		Port:            jsii.Number(float64(props.Port)),
		Username:        jsii.String(props.Username),
		Password:        password.StringValue(),
		Sslmode:         jsii.String(props.SSLMode),
		ConnectTimeout:  jsii.Number(15),
		Superuser:       jsii.Bool(true),
	})
	relaxVersion(stack, "postgresql", PostgreSQLVersion)
	return p, password
}
