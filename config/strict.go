package config

import (
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var projectType = reflect.TypeFor[Project]()

// plainInt is an integer as people write it: decimal digits, no leading
// zero, an optional minus.
var plainInt = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

var (
	appDatabaseType = reflect.TypeFor[AppDatabase]()
	boolType        = reflect.TypeFor[bool]()
)

// checkKeys walks the YAML tree alongside the Go type it decodes into,
// reporting every unknown key (with a suggestion for typos) and recording
// the line of every field path. yaml.v3's own strict mode stops at type
// names; this names the field path the user wrote.
func checkKeys(errs *problems, n *yaml.Node, t reflect.Type, path string, lines map[string]int) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if path != "" {
		lines[path] = n.Line
	}
	// `database: true` is a boolean; a *bool is checked as a bool (a *int
	// stays a pointer: there an explicit 0 means 0).
	if (t == appDatabaseType && n.Kind == yaml.ScalarNode) || (t.Kind() == reflect.Pointer && t.Elem() == boolType) {
		t = boolType
	}
	if n.Kind == yaml.ScalarNode && (t.Kind() == reflect.Int || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Int) &&
		n.ShortTag() == "!!int" && !plainInt.MatchString(n.Value) {
		// 00, 0x0, 0o7, +5, 1_000 are numbers to YAML but not what most
		// readers of the file take them for (00 would pass as 0).
		*errs = append(*errs, &FieldError{Line: n.Line, Path: path, Value: n.Value,
			Rule: "is not a plain decimal number: write digits without leading zeros, sign or prefix (e.g. 7)"})
		return
	}
	switch t.Kind() {
	case reflect.Int:
		// Zero means "use the default" in Go, so a 0 written in the file
		// would be silently replaced; every int in the spec must be >= 1.
		if n.Kind == yaml.ScalarNode && (n.Value == "0" || n.Value == "-0") {
			*errs = append(*errs, &FieldError{Line: n.Line, Path: path, Value: n.Value,
				Rule: "is not allowed: give a positive value, or omit the key for the default"})
		}
	case reflect.Bool:
		// YAML 1.1 readers take yes/no/on/off as booleans, others as text:
		// only true and false mean the same everywhere.
		if n.Kind == yaml.ScalarNode && n.Value != "true" && n.Value != "false" {
			*errs = append(*errs, &FieldError{Line: n.Line, Path: path, Value: `"` + n.Value + `"`,
				Rule: "is not a boolean here: write true or false"})
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type error
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			ft, ok := fields[key.Value]
			if !ok {
				rule := "is not a known key here" + suggest(key.Value, fields)
				e := &FieldError{Line: key.Line, Path: fieldPath(path, key.Value), Rule: rule}
				*errs = append(*errs, e)
				continue
			}
			checkKeys(errs, val, ft, fieldPath(path, key.Value), lines)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			checkKeys(errs, item, t.Elem(), indexPath(path, i), lines)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkKeys(errs, n.Content[i+1], t.Elem(), fieldPath(path, n.Content[i].Value), lines)
		}
	}
}

// yamlFields maps each YAML key of struct type t to its field type.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// suggest names the closest known key when the unknown one looks like a
// typo of it, and otherwise lists the known keys.
func suggest(key string, fields map[string]reflect.Type) string {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	slices.Sort(known)
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return ` (did you mean "` + best + `"?)`
	}
	return " (known keys: " + strings.Join(known, ", ") + ")"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
