package tests

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/standins"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// checkOnPremStack runs terraform init and validate on the repository's
// onprem stack s with the real docker and postgresql providers (no Docker
// engine needed), and checks that every public image it or an app's
// Dockerfile names has a stand-in for the deploy test.
func checkOnPremStack(t *testing.T, s *synth.Stack, cli string) {
	tf := &harness.Terraform{Dir: s.Dir, CLIConfig: cli}
	if _, err := tf.Run("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if err := tf.Validate(); err != nil {
		t.Fatal(err)
	}

	t.Run("every public image has a stand-in", func(t *testing.T) {
		registry, _ := s.Outputs()["registry_address"].(map[string]any)["value"].(string)
		var public []string
		for _, im := range s.Resources("docker_image") {
			name, _ := im["name"].(string)
			if build, ok := im["build"].(map[string]any); ok && !strings.HasPrefix(name, registry+"/") {
				// Built on the server (the backup image): what it starts from.
				public = append(public, fromLines(t, filepath.Join(build["context"].(string), "Dockerfile"))...)
				continue
			}
			if name != "" && !strings.HasPrefix(name, "${") && !strings.HasPrefix(name, registry+"/") {
				public = append(public, name)
			}
		}
		public = append(public, fromLines(t, filepath.Join(repoRoot, "apps", "notes-api", "Dockerfile"))...)
		public = append(public, fromLines(t, "", clientsite.Dockerfile)...)
		for _, name := range public {
			if !slices.Contains(standins.Names(), name) {
				t.Errorf("%s has no stand-in (standins.Images)", name)
			}
		}
		if len(public) < 5 {
			t.Errorf("found only %v: the image scan is broken", public)
		}
	})
}

// fromLines returns the images a Dockerfile's FROM lines name (not build
// stages), read from path or given as text.
func fromLines(t *testing.T, path string, text ...string) []string {
	t.Helper()
	content := strings.Join(text, "\n")
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		content = string(data)
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(content))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && strings.EqualFold(f[0], "FROM") {
			out = append(out, f[1])
		}
	}
	return out
}
