package config

import (
	"errors"
	"fmt"
)

// FieldError is one problem with one field of the project definition.
type FieldError struct {
	// File is the project file, when the project was loaded from one.
	File string
	// Line in File, 0 when unknown.
	Line int
	// Path is the field path, e.g. "apps[1].name".
	Path string
	// Value is the offending value, already formatted for the message.
	Value string
	// Rule says what the value must satisfy.
	Rule string
}

func (e *FieldError) Error() string {
	where := ""
	switch {
	case e.File != "" && e.Line > 0:
		where = fmt.Sprintf("%s:%d: ", e.File, e.Line)
	case e.File != "":
		where = e.File + ": "
	}
	if e.Value == "" {
		return fmt.Sprintf("%s%s: %s", where, e.Path, e.Rule)
	}
	return fmt.Sprintf("%s%s: %s %s", where, e.Path, e.Value, e.Rule)
}

// problems collects FieldErrors in the order they are found.
type problems []*FieldError

func (p *problems) add(path string, value any, rule string, args ...any) {
	v := ""
	if value != nil {
		v = fmt.Sprintf("%q", fmt.Sprint(value))
		if _, isInt := value.(int); isInt {
			v = fmt.Sprint(value)
		}
	}
	*p = append(*p, &FieldError{Path: path, Value: v, Rule: fmt.Sprintf(rule, args...)})
}

// join returns every problem as one error (nil when there are none).
func (p problems) join() error {
	errs := make([]error, len(p))
	for i, e := range p {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// FieldErrors returns every FieldError inside err, in order.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				walk(c)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}
