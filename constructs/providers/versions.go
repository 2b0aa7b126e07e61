package providers

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// RelaxVersion replaces the exact pin a prebuilt binding writes for
// provider name with constraint, a compatible range.
func RelaxVersion(stack cdktf.TerraformStack, name, constraint string) {
	stack.AddOverride(jsii.String("terraform.required_providers."+name+".version"), jsii.String(constraint))
}
