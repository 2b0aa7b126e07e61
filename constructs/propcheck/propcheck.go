// Package propcheck reports bad construct props the same way everywhere:
// every error names the construct's path, the field, the value and the
// rule, and all of a construct's errors are reported at once, before it
// adds anything to the tree.
package propcheck

import (
	"errors"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
)

// Errors collects the problems of one construct's props.
type Errors struct {
	path string
	errs []error
}

// For starts the report of the construct id is about to become under scope.
func For(scope constructs.Construct, id string) *Errors {
	path := id
	if scope != nil {
		if p := *scope.Node().Path(); p != "" {
			path = p + "/" + id
		}
	}
	return &Errors{path: path}
}

// Add records that field holds value, which breaks rule. Strings are
// quoted so an empty value is visible.
func (e *Errors) Add(field string, value any, rule string, args ...any) {
	if s, ok := value.(string); ok {
		value = fmt.Sprintf("%q", s)
	}
	e.errs = append(e.errs, fmt.Errorf("%s: %s %v: %s", e.path, field, value, fmt.Sprintf(rule, args...)))
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
		e.errs = append(e.errs, fmt.Errorf("%s: %s is required (nil)", e.path, field))
	}
}

// Addf records a problem worded whole by format (naming the field, the
// value and the rule), under the construct's path.
func (e *Errors) Addf(format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("%s: %s", e.path, fmt.Sprintf(format, args...)))
}

// Check records err, already worded, under the construct's path.
func (e *Errors) Check(err error) {
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %w", e.path, err))
	}
}

// Err is every recorded problem joined, or nil.
func (e *Errors) Err() error { return errors.Join(e.errs...) }
