package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// typeErrorRE reads yaml.v3's "line N: cannot unmarshal !!tag `value` into type".
// A list or mapping has no value in the message.
var typeErrorRE = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `.*`)? into (.+)$")

// typeProblems turns the YAML library's type errors into FieldErrors that
// name the field, the whole value (the library cuts it) and what the field
// takes.
func typeProblems(te *yaml.TypeError, root *yaml.Node, pathAt map[int]string) problems {
	values := scalarsByLine(root)
	var out problems
	for _, msg := range te.Errors {
		line := yamlErrorLine(errors.New(msg))
		e := &FieldError{Line: line, Path: pathAt[line]}
		m := typeErrorRE.FindStringSubmatch(msg)
		if m == nil {
			e.Rule = "has the wrong type: " + trimYAMLPrefix(msg)
			out = append(out, e)
			continue
		}
		if v, ok := values[line]; ok && m[2] != "seq" && m[2] != "map" {
			e.Value = strconv.Quote(v) // a list's or mapping's last item would mislead
		}
		e.Rule = "is a " + yamlKind(m[2]) + ", but this field takes " + goKind(m[3])
		out = append(out, e)
	}
	return out
}

// scalarsByLine maps each line to the last scalar value on it (the value
// of a "key: value" line).
func scalarsByLine(n *yaml.Node) map[int]string {
	out := map[int]string{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			out[n.Line] = n.Value
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "number"
	case "bool":
		return "true/false value"
	case "map":
		return "mapping (key: value lines)"
	case "seq":
		return "list"
	case "null":
		return "empty value"
	}
	return tag
}

func goKind(t string) string {
	switch {
	case t == "int":
		return "a whole number (e.g. 8080), within range"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "text (quote it: \"...\")"
	case strings.HasPrefix(t, "[]"):
		return "a list ([a, b] or \"- item\" lines)"
	case strings.HasPrefix(t, "map["):
		return "a mapping (key: value lines)"
	case t == "config.Kind" || t == "config.NATStrategy":
		return "text"
	case strings.HasPrefix(t, "config."):
		// Every other type of the project file is a section of keys.
		return "a mapping (key: value lines)"
	}
	return fmt.Sprintf("a value of type %s", strings.TrimPrefix(t, "config."))
}
