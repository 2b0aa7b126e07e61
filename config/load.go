package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultFile is the project file main.go reads when no path is given.
const DefaultFile = "fullstack.yaml"

// Load reads the project file at path, applies defaults and validates it.
// Every problem is reported at once as *FieldError values joined into one
// error, each naming the file, line, field path, value and rule.
func Load(path string) (*Project, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &FieldError{File: path, Path: "project file", Rule: "does not exist (pass -project or set FULLSTACK_PROJECT)"}
	}
	if err != nil {
		return nil, &FieldError{File: path, Path: "project file", Rule: "cannot be read: " + err.Error()}
	}
	return Parse(path, data)
}

// Parse is Load for a file already in memory; name is used in messages.
func Parse(name string, data []byte) (*Project, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FieldError{File: name, Line: yamlErrorLine(err), Path: "YAML", Rule: "syntax error: " + trimYAMLPrefix(err.Error())}
	}
	if len(root.Content) == 0 {
		return nil, &FieldError{File: name, Path: "project file", Rule: "is empty"}
	}
	if top := root.Content[0]; top.Kind != yaml.MappingNode {
		// Nothing else can be checked, and the missing keys would only
		// repeat it.
		return nil, &FieldError{File: name, Line: top.Line, Path: "project file",
			Rule: "is a " + yamlKind(strings.TrimPrefix(top.ShortTag(), "!!")) + ", but a project file is a mapping of keys (project:, onprem:, cloud:, apps:)"}
	}
	lines := map[string]int{}
	var errs problems
	if line, ok := secondDocument(data); ok {
		errs = append(errs, &FieldError{Line: line, Path: "YAML",
			Rule: "a second document (after ---) would be ignored: keep the whole project in one document"})
	}
	checkKeys(&errs, root.Content[0], projectType, "", lines)

	var p Project
	dec := yaml.NewDecoder(bytes.NewReader(data))
	// A type error leaves that field empty and decodes the rest, so the
	// rules still run and every problem is reported at once.
	wrongType := map[string]bool{}
	if err := dec.Decode(&p); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, &FieldError{File: name, Path: "YAML", Rule: err.Error()}
		}
		for _, e := range typeProblems(te, root.Content[0], invert(lines)) {
			errs = append(errs, e)
			wrongType[e.Path] = true
		}
	}
	p.Dir = filepath.Dir(name)
	p.applyDefaults()
	for _, e := range p.validate() {
		if !wrongType[e.Path] { // already reported as a type error
			errs = append(errs, e)
		}
	}
	for _, e := range errs {
		e.File = name
		if e.Line == 0 {
			e.Line = lineOf(lines, e.Path)
		}
	}
	if len(errs) > 0 {
		return nil, errs.join()
	}
	return &p, nil
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	m := lineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var yamlPrefixRE = regexp.MustCompile(`^(yaml: )?(line \d+: )?`)

func trimYAMLPrefix(s string) string { return yamlPrefixRE.ReplaceAllString(s, "") }

// lineOf finds the line of path, or of its nearest parent that is in the
// file (a defaulted field has no line of its own).
func lineOf(lines map[string]int, path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := lines[p]; ok {
			return l
		}
	}
	return 0
}

func parentPath(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return p[:i]
		}
	}
	return ""
}

func invert(lines map[string]int) map[int]string {
	out := map[int]string{}
	for p, l := range lines {
		if cur, ok := out[l]; !ok || len(p) > len(cur) {
			out[l] = p
		}
	}
	return out
}

// String renders a field path element for messages.
func fieldPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

// secondDocument reports the line of a second YAML document in data.
func secondDocument(data []byte) (int, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first, second yaml.Node
	if dec.Decode(&first) != nil || dec.Decode(&second) != nil {
		return 0, false
	}
	return second.Line, true
}
