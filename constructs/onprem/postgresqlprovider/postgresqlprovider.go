// Package postgresqlprovider configures the postgresql provider of an
// on-prem stack: the connection to the cluster and the sensitive variable
// the superuser password comes from.
package postgresqlprovider

import (
	"github.com/aws/jsii-runtime-go"
	pgprovider "github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/providers"
	"github.com/homecloud-dev/fullstack/homerules"
)

// Version is the range of cyrilgdn/postgresql versions accepted.
const Version = "~> 1.25"

// DefaultPasswordVariable names the password variable when Props leaves it empty.
const DefaultPasswordVariable = "postgres_password"

// Props configures the postgresql provider.
type Props struct {
	// Host and Port of the server. Required.
	Host string
	Port int
	// Username is the superuser. Required.
	Username string
	// SSLMode is libpq's sslmode. Default "disable" (a server on the same
	// host or private network).
	SSLMode string
	// Version is the server's major version, e.g. "16". Required: a known
	// version means the provider never connects just to configure itself,
	// so plans work before the server exists.
	Version string
	// PasswordVariable names the sensitive variable (TF_VAR_<name>) the
	// superuser password comes from. Default DefaultPasswordVariable.
	PasswordVariable string
}

// Provider is the configured provider and its password variable, which
// the PostgreSQL container uses too.
type Provider struct {
	Provider pgprovider.PostgresqlProvider
	Password cdktf.TerraformVariable
}

// New adds the postgresql provider and its password variable to stack.
func New(stack cdktf.TerraformStack, id string, props Props) (*Provider, error) {
	props.defaults()
	if err := props.validate(propcheck.For(stack, id)); err != nil {
		return nil, err
	}
	password, err := providers.PasswordVariable(stack, props.PasswordVariable, "Superuser password of the on-prem PostgreSQL cluster")
	if err != nil {
		return nil, err
	}
	p := pgprovider.NewPostgresqlProvider(stack, jsii.String(id), &pgprovider.PostgresqlProviderConfig{
		ExpectedVersion: jsii.String(props.Version),
		Host:            jsii.String(props.Host),
		Port:            jsii.Number(float64(props.Port)),
		Username:        jsii.String(props.Username),
		Password:        password.StringValue(),
		Sslmode:         jsii.String(props.SSLMode),
		ConnectTimeout:  jsii.Number(15),
		Superuser:       jsii.Bool(true),
	})
	providers.RelaxVersion(stack, "postgresql", Version)
	return &Provider{Provider: p, Password: password}, nil
}

func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Host", p.Host)
	check.Port("Port", p.Port)
	check.Required("Username", p.Username)
	check.Required("Version", p.Version)
	return check.Err()
}

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.SSLMode == "" {
		p.SSLMode = homerules.DefaultPostgresSSLMode
	}
	if p.PasswordVariable == "" {
		p.PasswordVariable = DefaultPasswordVariable
	}
}
