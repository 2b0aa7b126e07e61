package tests

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// vocabularyLeaves are the jsii-free packages that own the values and types
// both the project file (config) and the constructs use.
var vocabularyLeaves = []string{"awsrules", "homerules", "pinned", "naming", "flyway", "alerting", "constructs/healthspec"}

// vocabularyUsers are the packages that must refer to a leaf's value
// rather than write it again: config and every construct.
func vocabularyUsers(t *testing.T) []string {
	users := []string{"config"}
	for _, parent := range []string{"constructs", "constructs/cloud", "constructs/onprem"} {
		entries, err := os.ReadDir(filepath.Join(repoRoot, parent))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			dir := parent + "/" + e.Name()
			if e.IsDir() && !slices.Contains(vocabularyLeaves, dir) && dir != "constructs/cloud" && dir != "constructs/onprem" {
				users = append(users, dir)
			}
		}
	}
	return users
}

// declared is one exported package-level constant, variable or type.
type declared struct {
	pkg, name string
	// literal is the value written out (a string or number), "" when the
	// declaration refers to another.
	literal string
	// fields are a struct type's field names; alias marks `type A = B`.
	fields []string
	alias  bool
}

// TestEachValueIsWrittenOnce fails when config or a construct writes again
// a default, limit, image or shared type that a leaf package owns: it must
// refer to the leaf's (a constant set to it, a type alias). Two values
// count as the same when their literals are equal and their names share
// at least two words besides Default, Min and Max (DefaultMaxStorage and
// DefaultMaxAllocatedStorage, both 100); two struct types when their field
// names are.
func TestEachValueIsWrittenOnce(t *testing.T) {
	var leaves, users []declared
	for _, pkg := range vocabularyLeaves {
		leaves = append(leaves, declarations(t, pkg)...)
	}
	var literals []string
	for _, pkg := range vocabularyUsers(t) {
		files := parsePackage(t, pkg)
		users = append(users, declarationsIn(pkg, files)...)
		for _, file := range files {
			literals = append(literals, literalDefaults(pkg, file)...)
		}
	}
	for _, p := range append(vocabularyProblems(leaves, users), literals...) {
		t.Error(p)
	}
	t.Run("a value or type written again is found", func(t *testing.T) {
		leaves := []declared{
			{pkg: "awsrules", name: "DefaultMaxAllocatedStorage", literal: "100"},
			{pkg: "awsrules", name: "Route", fields: []string{"Host", "Path"}},
		}
		users := []declared{
			{pkg: "config", name: "DefaultMaxStorage", literal: "100"},
			{pkg: "config", name: "DefaultPreviewMax", literal: "100"},
			{pkg: "config", name: "Route", fields: []string{"Host", "Path"}},
			{pkg: "constructs/cloud/restservice", name: "Route", fields: []string{"Host", "Path"}, alias: true},
			{pkg: "constructs/cloud/appdatabase", name: "DefaultMaxStorageGiB", literal: "100"},
		}
		sameLines(t, vocabularyProblems(leaves, users), []string{
			"config.DefaultMaxStorage = 100 writes again awsrules.DefaultMaxAllocatedStorage: refer to it",
			"type config.Route repeats the fields of awsrules.Route: make it an alias (type Route = awsrules.Route)",
			"constructs/cloud/appdatabase.DefaultMaxStorageGiB = 100 writes again awsrules.DefaultMaxAllocatedStorage: refer to it",
			"config.DefaultMaxStorage and constructs/cloud/appdatabase.DefaultMaxStorageGiB both write 100: move it to a leaf package (awsrules, homerules, pinned)",
		})
	})
	t.Run("a default written as a literal in defaults() is found", func(t *testing.T) {
		file, err := parser.ParseFile(token.NewFileSet(), "x.go", `package x
func (p *Props) defaults() {
	if p.MaxSessionSeconds == 0 { p.MaxSessionSeconds = 3600 }
	set(&p.Protocol, "tcp")
	for _, f := range []struct{ v *int; def int }{{&p.Keep, 7}, {&p.Count, DefaultCount}} { _ = f }
	if p.Path == "" { p.Path = DefaultPath }
	p.Window = 0
}`, 0)
		if err != nil {
			t.Fatal(err)
		}
		const why = ": name the value (a leaf package's, or a Default constant of the package) so that it is written once"
		sameLines(t, literalDefaults("constructs/cloud/x", file), []string{
			"constructs/cloud/x: defaults() writes 3600" + why,
			`constructs/cloud/x: defaults() writes "tcp"` + why,
			"constructs/cloud/x: defaults() writes 7" + why,
		})
	})
}

// literalDefaults lists each literal other than 0 and "" in a defaults()
// method of file (assigned, passed to a setter, in a table): the
// declarations above are what the test compares, so a default must be
// one.
func literalDefaults(pkg string, file *ast.File) []string {
	var out []string
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "defaults" || fn.Body == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Value != "0" && lit.Value != `""` {
				out = append(out, fmt.Sprintf("%s: defaults() writes %s: name the value (a leaf package's, or a Default constant of the package) so that it is written once", pkg, lit.Value))
			}
			return true
		})
	}
	return out
}

// vocabularyProblems lists each user declaration that writes a leaf's
// value or type again, then each value two users both write.
func vocabularyProblems(leaves, users []declared) []string {
	var out []string
	for _, u := range users {
		for _, l := range leaves {
			switch {
			case sameValue(u, l):
				out = append(out, fmt.Sprintf("%s.%s = %s writes again %s.%s: refer to it", u.pkg, u.name, u.literal, l.pkg, l.name))
			case len(u.fields) > 1 && !u.alias && slices.Equal(u.fields, l.fields):
				out = append(out, fmt.Sprintf("type %s.%s repeats the fields of %s.%s: make it an alias (type %s = %s.%s)", u.pkg, u.name, l.pkg, l.name, u.name, filepath.Base(l.pkg), l.name))
			}
		}
	}
	// Two users writing the same value for the same thing (the old mirror
	// of config's and a construct's defaults).
	for i, a := range users {
		for _, b := range users[i+1:] {
			if a.pkg != b.pkg && sameValue(a, b) {
				out = append(out, fmt.Sprintf("%s.%s and %s.%s both write %s: move it to a leaf package (%s)", a.pkg, a.name, b.pkg, b.name, a.literal, strings.Join(vocabularyLeaves[:3], ", ")))
			}
		}
	}
	return out
}

// declarations reads a package's exported package-level declarations (its
// non-test files).
func declarations(t *testing.T, pkg string) []declared {
	t.Helper()
	return declarationsIn(pkg, parsePackage(t, pkg))
}

// declarationsIn reads the exported package-level declarations of a
// package's parsed files.
func declarationsIn(pkg string, files []*ast.File) []declared {
	var out []declared
	for _, file := range files {
		for _, d := range file.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for i, n := range s.Names {
						if n.IsExported() && i < len(s.Values) {
							out = append(out, declared{pkg: pkg, name: n.Name, literal: literalOf(s.Values[i])})
						}
					}
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						out = append(out, declared{pkg: pkg, name: s.Name.Name, fields: fieldNames(s.Type), alias: s.Assign.IsValid()})
					}
				}
			}
		}
	}
	return out
}

// parsePackage parses the non-test files of a package directory (relative
// to the repository).
func parsePackage(t *testing.T, rel string) []*ast.File {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, rel, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.File
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, file)
	}
	return out
}

// sameLines fails t unless got is want, showing both.
func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// literalOf is a basic literal's text ("" for anything else).
func literalOf(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	return ""
}

// fieldNames are a struct type's field names, sorted (nil otherwise).
func fieldNames(e ast.Expr) []string {
	st, ok := e.(*ast.StructType)
	if !ok {
		return nil
	}
	var names []string
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	slices.Sort(names)
	return names
}

// vocabularyName: a default, a limit or an image reference.
var vocabularyName = regexp.MustCompile(`^(Default|Min|Max)[A-Z]|Image$`)

// sameValue says whether a and b write one default, limit or image twice.
func sameValue(a, b declared) bool {
	return a.literal != "" && a.literal == b.literal &&
		vocabularyName.MatchString(a.name) && vocabularyName.MatchString(b.name) &&
		sharedWords(a.name, b.name) >= 2
}

var camelWord = regexp.MustCompile(`[A-Z][a-z0-9]*|[a-z0-9]+`)

var notDistinguishing = []string{"Default", "Mi", "Gi", "B", "Days", "Hours", "Seconds", "Percent"}

// sharedWords counts the words two camel-case names share, leaving out
// Default and units (which say what kind of value it is, not which).
func sharedWords(a, b string) int {
	words := func(s string) []string {
		var out []string
		for _, w := range camelWord.FindAllString(s, -1) {
			if !slices.Contains(notDistinguishing, w) && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		return out
	}
	wb := words(b)
	n := 0
	for _, w := range words(a) {
		if slices.Contains(wb, w) {
			n++
		}
	}
	return n
}
