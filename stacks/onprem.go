package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// OnPrem is the home server stack.
type OnPrem struct {
	cdktf.TerraformStack
	Network *dockernetwork.Network
	// PostgresPassword is the sensitive variable holding the superuser
	// password, shared by the PostgreSQL container and the provider.
	PostgresPassword cdktf.TerraformVariable
}

// NewOnPrem builds the on-prem stack from a normalized project.
func NewOnPrem(scope constructs.Construct, id string, p *config.Project, opts Options) (*OnPrem, error) {
	o := p.OnPrem
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	localBackend(stack, id, opts)
	providers.NewDocker(stack, "docker", o.DockerHost)
	_, password := providers.NewPostgreSQL(stack, "postgresql", providers.PostgreSQLProps{
		Host:     o.Postgres.Host,
		Port:     o.Postgres.Port,
		Username: o.Postgres.AdminUser,
		SSLMode:  o.Postgres.SSLMode,
	})
	net, err := dockernetwork.New(stack, "platform-network", dockernetwork.Props{
		Name:   o.Network.Name,
		Subnet: o.Network.Subnet,
		Labels: tags(p.Name, o.Environment),
	})
	if err != nil {
		return nil, err
	}
	output(stack, "platform_network", net.Name(), "Docker network every on-prem container joins.")
	output(stack, "platform_network_id", net.ID(), "Id of the platform Docker network.")
	output(stack, "docker_host", o.DockerHost, "Docker daemon the stack deploys to.")
	output(stack, "postgres_address", fmt.Sprintf("%s:%d", o.Postgres.Host, o.Postgres.Port), "Where the postgresql provider reaches the cluster.")
	return &OnPrem{TerraformStack: stack, Network: net, PostgresPassword: password}, nil
}
