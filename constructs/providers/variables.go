package providers

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/homerules"
)

// MinPasswordLength is the shortest password PasswordVariable accepts.
const MinPasswordLength = homerules.MinPasswordLength

// PasswordVariable adds a sensitive string variable holding a password of
// at least MinPasswordLength characters, without a backslash (the
// postgresql provider doubles backslashes when it sets a role's password,
// so the role would not accept the password it was given). Its value comes
// from TF_VAR_<name> and never appears in cdk.tf.json.
func PasswordVariable(stack cdktf.TerraformStack, name, description string) (cdktf.TerraformVariable, error) {
	v, err := SecretVariable(stack, name, description, MinPasswordLength)
	if err != nil {
		return nil, err
	}
	v.AddValidation(&cdktf.TerraformVariableValidationConfig{
		Condition:    jsii.String(fmt.Sprintf(`${!strcontains(var.%s, "\\")}`, name)),
		ErrorMessage: jsii.String(fmt.Sprintf("%s contains a backslash: choose a password without one (the postgresql provider mangles it).", name)),
	})
	return v, nil
}

// SecretVariable adds a sensitive string variable of at least minLength
// characters. Its empty default means Terraform never prompts for it (a
// deploy from CI would hang): a missing value fails the plan at once,
// naming TF_VAR_<name>.
// A name the stack already uses is an error (one variable per secret).
func SecretVariable(stack cdktf.TerraformStack, name, description string, minLength int) (cdktf.TerraformVariable, error) {
	if taken := stack.Node().TryFindChild(jsii.String(name)); taken != nil {
		return nil, fmt.Errorf("%s: variable %q is already used by %s: each secret needs a variable of its own", *stack.Node().Path(), name, *taken.Node().Path())
	}
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
	}), nil
}
