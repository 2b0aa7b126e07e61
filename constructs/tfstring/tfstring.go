// Package tfstring puts Go strings into Terraform JSON safely. Terraform
// reads every string in cdk.tf.json as a template, so literal file content
// (shell scripts, SQL, configuration) must have its "${" and "%{"
// sequences escaped; and cdktf writes the string arguments of Fn_* calls
// into HCL quotes verbatim, so a backslash in one must be written twice.
package tfstring

import (
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Literal returns s as a Terraform string that evaluates to exactly s.
func Literal(s string) *string { return jsii.String(Escape(s)) }

// Escape is s with Terraform's template sequences escaped, to embed a
// user's value in a longer string (an environment entry, a JSON document)
// that must evaluate to the value itself, never to an expression.
func Escape(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

// BackslashEscape returns an expression that evaluates to value with every
// backslash doubled and a backslash put before each rune of special; the
// escaping of .pgpass (":") and Java properties files.
func BackslashEscape(value *string, special string) *string {
	// Doubled for HCL: cdktf does not escape the arguments it quotes.
	out := cdktf.Fn_Replace(value, jsii.String(`\\`), jsii.String(`\\\\`))
	for _, r := range special {
		out = cdktf.Fn_Replace(out, jsii.String(string(r)), jsii.String(`\\`+string(r)))
	}
	return out
}

// OrNil is s, or nil when s is empty: an optional argument left unset.
func OrNil(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
