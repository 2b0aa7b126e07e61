package tests

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConstructorsHaveOneShape reads every construct package: each
// exported New* that takes a scope returns an error last; each type named
// *Props that one takes has a validate method; a constructor never sets
// its props' fields itself, and calls props.defaults() (where the props
// have defaults) before props.validate.
func TestConstructorsHaveOneShape(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "constructs", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, dir := range dirs {
		rel, _ := filepath.Rel(repoRoot, dir)
		if !strings.HasPrefix(rel, "constructs/cloud/") && !strings.HasPrefix(rel, "constructs/onprem/") {
			continue
		}
		problems = append(problems, shapeProblems(t, rel)...)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Run("constructors of another shape are found", func(t *testing.T) {
		dir := t.TempDir()
		src := `package bad

type Props struct{ Name string }

func (p *Props) defaults() {}

type OtherProps struct{}

func (p OtherProps) validate() error { return nil }
func (p *OtherProps) defaults()     {}

type Thing struct{}

func New(scope constructs.Construct, id string, props Props) *Thing {
	props.Name = "x"
	return nil
}

func NewOther(scope constructs.Construct, id string, props OtherProps) (*Thing, error) {
	err := props.validate()
	props.defaults()
	return nil, err
}
`
		if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(repoRoot, dir)
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, shapeProblems(t, rel), []string{
			rel + ".New returns no error",
			rel + ".Props has no validate method",
			rel + ".New sets fields of its props itself: defaults belong in Props.defaults()",
			rel + ".New does not call defaults() before validate",
			rel + ".NewOther does not call defaults() before validate",
		})
	})
}

// shapeProblems checks one construct package's constructors.
func shapeProblems(t *testing.T, rel string) []string {
	t.Helper()
	methods := map[string][]string{} // receiver type -> methods
	var constructors []*ast.FuncDecl
	for _, file := range parsePackage(t, rel) {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if fn.Recv != nil {
				recv := fn.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					methods[id.Name] = append(methods[id.Name], fn.Name.Name)
				}
				continue
			}
			if strings.HasPrefix(fn.Name.Name, "New") && fn.Name.IsExported() && takesScope(fn) {
				constructors = append(constructors, fn)
			}
		}
	}
	var out []string
	for _, fn := range constructors {
		where := fmt.Sprintf("%s.%s", rel, fn.Name.Name)
		res := fn.Type.Results
		if res == nil || exprString(res.List[len(res.List)-1].Type) != "error" {
			out = append(out, where+" returns no error")
		}
		props := ""
		for _, p := range fn.Type.Params.List {
			if name := exprString(p.Type); strings.HasSuffix(name, "Props") {
				props = name
			}
		}
		if props == "" {
			continue
		}
		if !slices.Contains(methods[props], "validate") {
			out = append(out, fmt.Sprintf("%s.%s has no validate method", rel, props))
		}
		if inlineDefaults(fn) {
			out = append(out, where+" sets fields of its props itself: defaults belong in "+props+".defaults()")
		}
		if slices.Contains(methods[props], "defaults") {
			if body := bodyText(fn); !strings.Contains(body, ".defaults(") || strings.Index(body, ".defaults(") > strings.Index(body, ".validate(") {
				out = append(out, where+" does not call defaults() before validate")
			}
		}
	}
	return out
}

// takesScope: the first parameter is a construct scope or a stack.
func takesScope(fn *ast.FuncDecl) bool {
	params := fn.Type.Params.List
	if len(params) == 0 {
		return false
	}
	first := exprString(params[0].Type)
	return first == "constructs.Construct" || first == "cdktf.TerraformStack"
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	}
	return fmt.Sprintf("%T", e)
}

// inlineDefaults: the constructor assigns to a field of its props
// parameter, or takes its address to do so.
func inlineDefaults(fn *ast.FuncDecl) bool {
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && exprString(sel.X) == "props" {
					found = true
				}
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND && exprString(x.X) == "props" {
				found = true
			}
		}
		return !found
	})
	return found
}

// bodyText lists the method calls of fn's body in order, as ".name(".
func bodyText(fn *ast.FuncDecl) string {
	var b strings.Builder
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				b.WriteString("." + sel.Sel.Name + "(")
			}
		}
		return true
	})
	return b.String()
}
