package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/network"
	"github.com/homecloud-dev/fullstack/constructs/providers"
	"github.com/homecloud-dev/fullstack/naming"
)

// Cloud is the AWS stack.
type Cloud struct {
	cdktf.TerraformStack
	Network *network.Network
}

// NewCloud builds the cloud stack from a normalized project.
func NewCloud(scope constructs.Construct, id string, p *config.Project, opts Options) (*Cloud, error) {
	c := p.Cloud
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	cloudBackend(stack, id, c, stateKey(p, id), opts)
	providers.NewAWS(stack, "aws", providers.AWSProps{
		Region:           c.Region,
		Tags:             tags(p.Name, c.Environment),
		EmulatorEndpoint: c.Emulator.Endpoint,
	})
	net, err := network.New(stack, "network", network.Props{
		CIDR: c.VPCCIDR,
		Name: naming.VPC(p.Name, c.Environment).Value,
	})
	if err != nil {
		return nil, err
	}
	output(stack, "vpc_id", net.VPCID(), "Id of the project's VPC.")
	output(stack, "vpc_cidr", net.CIDR(), "Address range of the project's VPC.")
	output(stack, "region", c.Region, "AWS region of the cloud stack.")
	return &Cloud{TerraformStack: stack, Network: net}, nil
}

// stateKey is the S3 key of a stack's state: the configured key for the
// cloud stack, and a sibling key for any other stack.
func stateKey(p *config.Project, stack string) string {
	if stack == CloudName && p.Cloud.StateBackend.Key != "" {
		return p.Cloud.StateBackend.Key
	}
	return p.Name + "/" + stack + ".tfstate"
}

// tags are the default tags of every AWS resource and the labels of
// every Docker resource.
func tags(project, env string) map[string]string {
	return map[string]string{"project": project, "environment": env, "managed-by": ManagedBy}
}
