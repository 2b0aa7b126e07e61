package dockercontainer

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AddRevision adds the resource that names a container and returns the
// name, <prefix>-<8 characters>, which changes whenever any of triggers
// changes. A container that Terraform replaces
// create-before-destroy (a rollout, and whatever a rollout depends on, as
// Terraform extends create-before-destroy to dependencies) needs it: the
// new container starts while the old one still holds the old name.
// triggers must hold everything whose change replaces the container
// (Triggers of its whole configuration).
func AddRevision(scope constructs.Construct, id, prefix string, triggers interface{}) (cdktf.TerraformResource, *string) {
	r := cdktf.NewTerraformResource(scope, jsii.String(id), &cdktf.TerraformResourceConfig{
		TerraformResourceType: jsii.String("terraform_data"),
	})
	r.AddOverride(jsii.String("triggers_replace"), triggers)
	name := cdktf.Fn_Join(jsii.String(""), &[]*string{
		jsii.String(prefix + "-"),
		cdktf.Fn_Substr(r.GetStringAttribute(jsii.String("id")), jsii.Number(0), jsii.Number(8)),
	})
	return r, name
}
