package tests

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/homecloud-dev/fullstack"

// layers is the house, from the ground up (docs/architecture.md draws
// it): a package may import its own layer and the ones below, never one
// above. Each package is placed by its path's longest listed prefix; a
// package in no layer fails the test, so a new one is placed on purpose.
var layers = []struct {
	name     string
	packages []string
}{
	{"vocabulary", []string{"awsrules", "homerules", "pinned", "naming", "flyway", "alerting", "contenthash", "dockercli",
		"constructs/healthspec", "constructs/iampolicy", "constructs/siteheaders",
		"constructs/onprem/registry/registryconfig", "constructs/onprem/postgrescluster/pgconfig", "internal/graphcheck"}},
	{"constructs", []string{"constructs"}},
	{"config", []string{"config"}},
	{"services", []string{"awsclient", "release", "securityscan"}},
	{"stacks", []string{"stacks"}},
	{"runners", []string{"internal/synth", "internal/clirun", "internal/harness", "internal/standins", "internal/browsercheck"}},
	{"commands", []string{"cmd", ""}},
}

// testSupport are the packages only tests import; no other package may
// depend on them, even through another.
var testSupport = []string{"internal/harnesstest", "internal/testdeps", "internal/apicheck", "internal/taskrun", "internal/testreport", "constructs/librarytest"}

// jsiiFree are the layers that must not link the cdktf runtime: the
// project file's checks run before (and without) node.
var jsiiFree = []string{"vocabulary", "config", "services"}

// layerOf is the layer a package path (relative to the module) sits in,
// or -1.
func layerOf(rel string) int {
	best, at := -1, -1
	for i, l := range layers {
		for _, p := range l.packages {
			if (rel == p || strings.HasPrefix(rel, p+"/") || p == "" && rel == "") && len(p) > best {
				best, at = len(p), i
			}
		}
	}
	return at
}

func isTestSupport(rel string) bool {
	return slices.ContainsFunc(testSupport, func(p string) bool { return rel == p || strings.HasPrefix(rel, p+"/") })
}

// TestImportsPointDown reads every package's imports (`go list`) and fails
// on an import of a higher layer, on a product package that depends on
// test support, and on cdktf in a jsii-free layer.
func TestImportsPointDown(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, "./...")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var problems []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		rel := strings.TrimPrefix(strings.TrimPrefix(parts[0], module), "/")
		if strings.Contains(rel, "node_modules") {
			continue
		}
		problems = append(problems, layerProblems(rel, strings.Fields(parts[1]), strings.Fields(parts[2]))...)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Run("an upward import and test support in the product are refused", func(t *testing.T) {
		got := layerProblems("constructs/cloud/network", []string{module + "/config"}, []string{module + "/config"})
		got = append(got, layerProblems("cmd/fullstack/demo", nil, []string{module + "/internal/harnesstest", "testing"})...)
		got = append(got, layerProblems("config", nil, []string{"github.com/hashicorp/terraform-cdk-go/cdktf"})...)
		got = append(got, layerProblems("internal/newthing", nil, nil)...)
		sameLines(t, got, []string{
			"constructs/cloud/network (constructs) imports config (config), a layer above it",
			"cmd/fullstack/demo depends on test support internal/harnesstest",
			"cmd/fullstack/demo links the testing package",
			"config (config) links github.com/hashicorp/terraform-cdk-go/cdktf: its layer stays jsii-free",
			"internal/newthing is in no layer: place it in layers (and docs/architecture.md)",
		})
	})
}

// layerProblems checks one package's direct imports and transitive deps.
func layerProblems(rel string, imports, deps []string) []string {
	if isTestSupport(rel) {
		return nil // test support may use anything
	}
	at := layerOf(rel)
	if at < 0 {
		return []string{rel + " is in no layer: place it in layers (and docs/architecture.md)"}
	}
	var out []string
	linksJSII := false
	for _, imp := range imports {
		dep, ok := strings.CutPrefix(imp, module+"/")
		if !ok {
			continue
		}
		if l := layerOf(dep); l > at {
			out = append(out, fmt.Sprintf("%s (%s) imports %s (%s), a layer above it", rel, layers[at].name, dep, layers[l].name))
		}
	}
	for _, d := range deps {
		dep, _ := strings.CutPrefix(d, module+"/")
		switch {
		case isTestSupport(dep):
			out = append(out, fmt.Sprintf("%s depends on test support %s", rel, dep))
		case d == "testing":
			out = append(out, rel+" links the testing package")
		case !linksJSII && slices.Contains(jsiiFree, layers[at].name) && (strings.HasPrefix(d, "github.com/hashicorp/terraform-cdk-go") || strings.HasPrefix(d, "github.com/aws/jsii-runtime-go")):
			linksJSII = true
			out = append(out, fmt.Sprintf("%s (%s) links %s: its layer stays jsii-free", rel, layers[at].name, d))
		}
	}
	return out
}
