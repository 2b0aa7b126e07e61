package librarytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/internal/synth"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// newStack is a stack named name in a fresh app writing to a temp dir.
func newStack(t *testing.T, name string) (cdktf.App, cdktf.TerraformStack) {
	t.Helper()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	return app, cdktf.NewTerraformStack(app, jsii.String(name))
}

// synthesize writes app and reads stack name back.
func synthesize(t *testing.T, app cdktf.App, name string) *synth.Stack {
	t.Helper()
	app.Synth()
	s, err := synth.Read(*app.Outdir(), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// only is the one resource of typ whose logical id contains part.
func only(t *testing.T, s *synth.Stack, typ, part string) map[string]any {
	t.Helper()
	_, r := find(t, s, typ, part)
	return r
}

// idOf is the logical id of that resource.
func idOf(t *testing.T, s *synth.Stack, typ, part string) string {
	t.Helper()
	id, _ := find(t, s, typ, part)
	return id
}

func find(t *testing.T, s *synth.Stack, typ, part string) (string, map[string]any) {
	t.Helper()
	var ids []string
	for id := range s.Resources(typ) {
		if strings.Contains(id, part) {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s ids with %q: %v, want one", typ, part, ids)
	}
	return ids[0], s.Resources(typ)[ids[0]]
}

// want fails unless got equals the expected value.
func want[T comparable](t *testing.T, what string, got any, expected T) {
	t.Helper()
	if v, ok := got.(T); !ok || v != expected {
		t.Errorf("%s = %#v, want %#v", what, got, expected)
	}
}

// writeFile writes content to dir/name, creating dir.
func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
