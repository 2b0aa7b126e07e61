package providers

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Compatible provider version ranges. The bindings were generated against
// aws 5.84.0, docker 3.0.2 and postgresql 1.25.0 and pin those exactly.
const (
	AWSVersion        = "~> 5.84"
	DockerVersion     = "~> 3.0"
	PostgreSQLVersion = "~> 1.25"
)

// relaxVersion replaces the binding's exact pin for provider name.
func relaxVersion(stack cdktf.TerraformStack, name, constraint string) {
	stack.AddOverride(jsii.String("terraform.required_providers."+name+".version"), jsii.String(constraint))
}
