package providers

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	pgprovider "github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
)

// PostgresPasswordVariable is the sensitive Terraform variable holding the
// on-prem PostgreSQL superuser password. Set it with
// TF_VAR_onprem_postgres_password; it never appears in cdk.tf.json.
const PostgresPasswordVariable = config.PostgresPasswordVariable

// PostgreSQLProps configures the postgresql provider.
type PostgreSQLProps struct {
	// Host and Port of the server. Required.
	Host string
	Port int
	// Username is the superuser. Required.
	Username string
	// SSLMode is libpq's sslmode. Required.
	SSLMode string
}

// NewPostgreSQL adds the postgresql provider and the sensitive variable
// its password comes from. It returns both so constructs that need the
// password (the PostgreSQL container) use the same variable.
func NewPostgreSQL(stack cdktf.TerraformStack, id string, props PostgreSQLProps) (pgprovider.PostgresqlProvider, cdktf.TerraformVariable) {
	password := cdktf.NewTerraformVariable(stack, jsii.String(PostgresPasswordVariable), &cdktf.TerraformVariableConfig{
		Type:        jsii.String("string"),
		Sensitive:   jsii.Bool(true),
		Nullable:    jsii.Bool(false),
		Description: jsii.String("Superuser password of the on-prem PostgreSQL cluster (set TF_VAR_" + PostgresPasswordVariable + ")."),
		Validation: &[]*cdktf.TerraformVariableValidationConfig{{
			Condition:    jsii.String(fmt.Sprintf("${length(var.%s) >= %d}", PostgresPasswordVariable, config.MinPasswordLength)),
			ErrorMessage: jsii.String(fmt.Sprintf("%s must be at least %d characters.", PostgresPasswordVariable, config.MinPasswordLength)),
		}},
	})
	p := pgprovider.NewPostgresqlProvider(stack, jsii.String(id), &pgprovider.PostgresqlProviderConfig{
		Host:           jsii.String(props.Host),
		Port:           jsii.Number(float64(props.Port)),
		Username:       jsii.String(props.Username),
		Password:       password.StringValue(),
		Sslmode:        jsii.String(props.SSLMode),
		ConnectTimeout: jsii.Number(15),
		Superuser:      jsii.Bool(true),
	})
	relaxVersion(stack, "postgresql", PostgreSQLVersion)
	return p, password
}
