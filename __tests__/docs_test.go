package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
)

var (
	mdLink    = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	mdHeading = regexp.MustCompile(`(?m)^#{1,6} (.+)$`)
	urlScheme = regexp.MustCompile(`^[a-z]+:`)
)

// slug is GitHub's anchor for a heading: lower case, punctuation dropped,
// spaces as hyphens.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// withoutCode drops fenced code blocks (links there are not links).
func withoutCode(s string) string {
	var out []string
	fenced := false
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestDocLinksResolve: every relative link of the README and the docs
// names a file that exists and, with #anchor, a heading it has. The
// README stays a page a newcomer reads in five minutes.
func TestDocLinksResolve(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	files = append(files, filepath.Join(repoRoot, "README.md"), filepath.Join(repoRoot, "constructs", "README.md"), filepath.Join(repoRoot, "internal", "standins", "README.md"))
	anchors := map[string]map[string]bool{}
	headings := func(path string) map[string]bool {
		if a, ok := anchors[path]; ok {
			return a
		}
		raw, _ := os.ReadFile(path)
		a := map[string]bool{}
		for _, m := range mdHeading.FindAllStringSubmatch(withoutCode(string(raw)), -1) {
			a[slug(m[1])] = true
		}
		anchors[path] = a
		return a
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot, f)
		for _, m := range mdLink.FindAllStringSubmatch(withoutCode(string(raw)), -1) {
			target := m[1]
			if urlScheme.MatchString(target) {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			dest := f
			if path != "" {
				dest = filepath.Join(filepath.Dir(f), path)
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s links to %s, which does not exist", rel, target)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(dest, ".md") && !headings(dest)[anchor] {
				t.Errorf("%s links to %s, which has no heading #%s", rel, target, anchor)
			}
		}
	}
	readme, _ := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if n := strings.Count(string(readme), "\n"); n > 250 {
		t.Errorf("README.md has %d lines: keep it under 250, the rest belongs in docs/", n)
	}
}

// readmeBlock is the first fenced block of language lang after the bold
// label in the README (its whole text; the test fails without one).
func readmeBlock(t *testing.T, label, lang string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\\*\\*" + regexp.QuoteMeta(label) + "\\*\\*.*?```" + lang + "\\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatalf("README has no %s block after **%s**", lang, label)
	}
	return string(m[1])
}

// TestReadmeProjectSnippet: the README's project file is a valid project
// (its Go snippet is marked as a sketch; examples/cloudservice is the
// tested program).
func TestReadmeProjectSnippet(t *testing.T) {
	snippet := readmeBlock(t, "The project file.", "yaml")
	dir := t.TempDir()
	for name, content := range map[string]string{
		"fullstack.yaml":             snippet,
		"apps/notes-api/Dockerfile":  "FROM scratch\n",
		"migrations/notes-api/.keep": "",
		"apps/notes-web/index.html":  "<!doctype html>\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), content)
	}
	if _, err := config.Load(filepath.Join(dir, "fullstack.yaml")); err != nil {
		t.Errorf("the README's project file is refused:\n%v", err)
	}
	readme, _ := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if !strings.Contains(string(readme), "A\nsketch") && !strings.Contains(string(readme), "A sketch") {
		t.Error("the README's Go snippet is not marked as a sketch")
	}
}

// TestConstructPackagesSayWhatTheyMake: `go doc` of every construct
// package starts with a sentence about it ("Package <name> ...").
func TestConstructPackagesSayWhatTheyMake(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(repoRoot, "constructs"), func(dir string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		sources, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		sources = slices.DeleteFunc(sources, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
		if len(sources) == 0 {
			return nil
		}
		want := "// Package " + filepath.Base(dir) + " "
		for _, f := range sources {
			if raw, _ := os.ReadFile(f); strings.Contains(string(raw), want) {
				return nil
			}
		}
		rel, _ := filepath.Rel(repoRoot, dir)
		t.Errorf("%s has no package comment starting %q", rel, want)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDocCodeIsTestedOrASketch: a Go or YAML block in docs/ is marked a
// sketch on its first line (the README's are checked by the tests above).
func TestDocCodeIsTestedOrASketch(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	block := regexp.MustCompile("(?m)^ *```(go|yaml)\\n *(.*)\\n")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for _, m := range block.FindAllStringSubmatch(string(raw), -1) {
			if !strings.Contains(m[2], "sketch") {
				t.Errorf("%s: a %s block is neither run by a test nor marked as a sketch: %q", filepath.Base(f), m[1], m[2])
			}
		}
	}
}
