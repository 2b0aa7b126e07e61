package stacks

import (
	"sort"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appsecrets"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// secretVariables are app a's secrets by environment variable name: the
// tokens of their sensitive variables, the same names on both stacks.
func secretVariables(stack cdktf.TerraformStack, a config.App) (map[string]*string, error) {
	if len(a.Secrets) == 0 {
		return nil, nil
	}
	out := map[string]*string{}
	for _, name := range a.Secrets {
		v, err := providers.SecretVariable(stack, config.AppSecretVariable(a.Name, name), "Secret "+name+" of app "+a.Name, 1)
		if err != nil {
			return nil, err
		}
		out[name] = v.StringValue()
	}
	return out, nil
}

// newCloudAppSecrets keeps every app's secrets in Secrets Manager; it
// returns them by app and every secret ARN (sorted) for the execution role.
func newCloudAppSecrets(stack cdktf.TerraformStack, p *config.Project, key string) (map[string]*appsecrets.Secrets, []string, error) {
	out := map[string]*appsecrets.Secrets{}
	var arns []string
	for _, a := range containerApps(p.Apps) {
		values, err := secretVariables(stack, a)
		if err != nil {
			return nil, nil, err
		}
		if values == nil {
			continue
		}
		s, err := appsecrets.New(stack, "secrets-"+a.Name, appsecrets.Props{
			Project: p.Name, App: a.Name, Values: values, ForceDelete: p.Cloud.Emulator.Enabled(), KMSKeyARN: key,
		})
		if err != nil {
			return nil, nil, err
		}
		out[a.Name] = s
		for _, arn := range s.ARNs {
			arns = append(arns, *arn)
		}
	}
	sort.Strings(arns)
	return out, arns, nil
}
