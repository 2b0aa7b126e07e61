// Package propcheck reports bad construct props the same way everywhere:
// every error names the construct's path, the field, the value and the
// rule, and all of a construct's errors are reported at once, before it
// adds anything to the tree.
package propcheck

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// FieldError is one problem with a construct's props: the construct's
// path, the field, its value (as written in the message, "" when the
// rule is about the field alone) and the rule it breaks. Reach it with
// errors.As through the joined error a constructor returns.
type FieldError struct {
	Path, Field, Value, Rule string
}

func (f *FieldError) Error() string {
	if f.Field == "" {
		return f.Path + ": " + f.Rule
	}
	if f.Value == "" {
		return f.Path + ": " + f.Field + " " + f.Rule
	}
	return f.Path + ": " + f.Field + " " + f.Value + ": " + f.Rule
}

// Errors collects the problems of one construct's props.
type Errors struct {
	scope  constructs.Construct
	path   string
	errs   []error
	claims []string
}

// For starts the report of the construct id is about to become under scope.
// An id already taken in scope is its first problem: constructs would
// panic on it, deep inside jsii.
func For(scope constructs.Construct, id string) *Errors {
	path := id
	e := &Errors{scope: scope}
	if scope != nil {
		if p := *scope.Node().Path(); p != "" {
			path = p + "/" + id
		}
		e.path = path
		if taken := scope.Node().TryFindChild(jsii.String(id)); taken != nil {
			e.errs = append(e.errs, &FieldError{Path: path, Field: "id", Value: fmt.Sprintf("%q", id),
				Rule: "is already used by " + *taken.Node().Path() + ": give each construct an id of its own (two apps of the same name?)"})
		}
	}
	e.path = path
	return e
}

// Add records that field holds value, which breaks rule. Strings are
// quoted so an empty value is visible.
func (e *Errors) Add(field string, value any, rule string, args ...any) {
	if v := reflect.ValueOf(value); v.Kind() == reflect.String {
		value = fmt.Sprintf("%q", v.String())
	}
	e.errs = append(e.errs, &FieldError{Path: e.path, Field: field, Value: fmt.Sprint(value), Rule: fmt.Sprintf(rule, args...)})
}

// Port records a port outside 1-65535 and reports whether it is valid,
// the one wording of that rule for every construct.
func (e *Errors) Port(field string, port int) bool {
	if port < 1 || port > 65535 {
		e.Add(field, port, "must be a TCP port (1-65535)")
		return false
	}
	return true
}

// BuildContext records a Docker build context that is not an absolute
// folder holding a Dockerfile.
func (e *Errors) BuildContext(field, dir string) {
	if !filepath.IsAbs(dir) {
		e.Add(field, dir, "must be an absolute path")
	} else if st, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil || st.IsDir() {
		e.Add(field, dir, "holds no Dockerfile (or does not exist): the image is built from it")
	}
}

// Range records a value outside min-max (inclusive).
func (e *Errors) Range(field string, value, min, max int) {
	if value < min || value > max {
		e.Add(field, value, "is outside %d-%d", min, max)
	}
}

// Min records a value below min.
func (e *Errors) Min(field string, value, min int) {
	if value < min {
		e.Add(field, value, "must be at least %d", min)
	}
}

// OneOf records a value that is none of allowed.
func OneOf[T ~string](e *Errors, field string, value T, allowed ...T) {
	if !slices.Contains(allowed, value) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		e.Add(field, string(value), "is not one of %s", strings.Join(names, ", "))
	}
}

// Required records field as missing when value is empty.
func (e *Errors) Required(field, value string) {
	if value == "" {
		e.Add(field, value, "is required")
	}
}

// Missing records a required reference (another construct, a token) that
// is nil.
func (e *Errors) Missing(field string, missing bool) {
	if missing {
		e.errs = append(e.errs, &FieldError{Path: e.path, Field: field, Rule: "is required (nil)"})
	}
}

// Ref records a required reference to another construct that is nil or
// that lives in another stack than the construct's: constructs wire
// resources of one stack together, and a reference across stacks would
// only fail later, inside Terraform.
func (e *Errors) Ref(field string, ref constructs.IConstruct) {
	if isNil(ref) {
		e.Missing(field, true)
		return
	}
	e.sameStack(field, ref)
}

// OptionalRef records a reference that is set but lives in another stack.
func (e *Errors) OptionalRef(field string, ref constructs.IConstruct) {
	if !isNil(ref) {
		e.sameStack(field, ref)
	}
}

func (e *Errors) sameStack(field string, ref constructs.IConstruct) {
	if e.scope == nil {
		return
	}
	if here, there := stackPath(e.scope), stackPath(ref); here != there {
		e.errs = append(e.errs, &FieldError{Path: e.path, Field: field, Rule: fmt.Sprintf("is in stack %q, not in this construct's stack %q: pass a construct of the same stack", there, here)})
	}
}

// isNil is true for a nil interface and for a nil pointer in one (a props
// field of type *network.Network left empty).
func isNil(ref any) bool {
	if ref == nil {
		return true
	}
	v := reflect.ValueOf(ref)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// stackPath is the path of the stack c belongs to: cdktf stacks are the
// app's direct children, so it is the first element of c's path. (Asking
// cdktf.TerraformStack_Of would need the jsii object, not the Go construct
// that embeds it.)
func stackPath(c constructs.IConstruct) string {
	stack, _, _ := strings.Cut(*c.Node().Path(), "/")
	return stack
}

// Dependencies records each nil entry of a dependency list (field): a nil
// would reach Terraform as a broken depends_on.
func (e *Errors) Dependencies(field string, deps []cdktf.ITerraformDependable) {
	for i, d := range deps {
		if isNil(d) {
			e.errs = append(e.errs, &FieldError{Path: e.path, Field: fmt.Sprintf("%s[%d]", field, i), Rule: "is nil: list only resources that exist"})
		}
	}
}

// Check records err, already worded, under the construct's path.
func (e *Errors) Check(err error) {
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %w", e.path, err))
	}
}

// Claim records that the construct takes name, of kind (a Docker
// container or network, a PostgreSQL role), which must be unique in its
// stack: a second construct of the stack claiming it is an error naming
// the first. The claim is kept (an empty marker construct under the stack,
// nothing in the synthesized JSON) only when Err finds no problem.
func (e *Errors) Claim(kind, name string) {
	if e.scope == nil || name == "" {
		return
	}
	stack := e.stack()
	if stack == nil {
		return
	}
	id := "claim:" + kind + ":" + name
	if taken := stack.Node().TryFindChild(jsii.String(id)); taken != nil {
		e.errs = append(e.errs, &FieldError{Path: e.path, Field: kind, Value: fmt.Sprintf("%q", name),
			Rule: "is already used in this stack by " + *taken.Node().Addr() + " (" + claimant(taken) + "): names must be unique"})
		return
	}
	e.claims = append(e.claims, id)
}

// stack is the stack the construct belongs to; nil when scope is in no
// stack (claims are then not checked).
func (e *Errors) stack() (stack cdktf.TerraformStack) {
	defer func() {
		if recover() != nil {
			stack = nil
		}
	}()
	return cdktf.TerraformStack_Of(e.scope)
}

// claimant is the construct path a claim marker records.
func claimant(marker constructs.IConstruct) string {
	if v, ok := marker.Node().TryGetContext(jsii.String("claimant")).(string); ok {
		return v
	}
	return "another construct"
}

// Err is every recorded problem joined, or nil; with none, the claims
// are kept.
func (e *Errors) Err() error {
	if len(e.errs) > 0 {
		return errors.Join(e.errs...)
	}
	for _, id := range e.claims {
		marker := constructs.NewConstruct(e.stack(), jsii.String(id))
		marker.Node().SetContext(jsii.String("claimant"), e.path)
	}
	e.claims = nil
	return nil
}
