package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MirrorEnv names provider filesystem mirrors explicitly: one directory, or
// several separated by ':' (the first that holds a provider wins).
const MirrorEnv = "FULLSTACK_TF_PLUGIN_MIRROR"

// mirrorCandidates are the usual places of a provider mirror in the
// unpacked layout (<host>/<namespace>/<type>/<version>/<os_arch>/). The
// shared one next to the repository holds the docker and postgresql
// providers on machines without the Terraform registry.
var mirrorCandidates = []string{
	"/opt/tf-plugins",
	"/usr/local/share/terraform/plugins",
	"/usr/share/terraform/plugins",
	"$HOME/.terraform.d/plugins",
	"$HOME/.local/share/terraform/plugins",
	"<repo>/../shared/terraform-providers",
	"/work/shared/terraform-providers",
}

// Mirror is one filesystem mirror and the providers taken from it.
type Mirror struct {
	Path      string
	Providers []string // host/namespace/type
}

// FindProviderMirrors returns the mirrors to install providers from:
// every directory of $MirrorEnv (all must hold a provider), else every
// candidate that holds one. A provider found in two mirrors comes from the
// first. None means: use the public registry.
func FindProviderMirrors() ([]Mirror, error) {
	var dirs []string
	if m := os.Getenv(MirrorEnv); m != "" {
		for _, d := range filepath.SplitList(m) {
			if len(mirrorProviders(d)) == 0 {
				return nil, fmt.Errorf("%s: %s holds no provider in <host>/<namespace>/<type>/ layout", MirrorEnv, d)
			}
			dirs = append(dirs, d)
		}
	} else {
		root := moduleRoot()
		for _, c := range mirrorCandidates {
			if strings.HasPrefix(c, "<repo>") {
				if root == "" {
					continue
				}
				c = filepath.Join(root, strings.TrimPrefix(c, "<repo>"))
			}
			dirs = append(dirs, filepath.Clean(os.ExpandEnv(c)))
		}
	}
	var out []Mirror
	taken, seenDir := map[string]bool{}, map[string]bool{}
	for _, d := range dirs {
		real, err := filepath.EvalSymlinks(d)
		if err != nil || seenDir[real] {
			continue
		}
		seenDir[real] = true
		m := Mirror{Path: d}
		for _, p := range mirrorProviders(d) {
			if !taken[p] {
				taken[p] = true
				m.Providers = append(m.Providers, p)
			}
		}
		if len(m.Providers) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// moduleRoot is the directory of this repository's go.mod, found upwards
// from the working directory, or "".
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.HasPrefix(string(data), "module github.com/homecloud-dev/fullstack\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// mirrorProviders lists the provider addresses (host/namespace/type) a
// mirror directory holds.
func mirrorProviders(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "*", "*_*"))
	seen := map[string]bool{}
	for _, m := range matches {
		rel, err := filepath.Rel(dir, m)
		if err != nil {
			continue
		}
		parts := strings.Split(rel, string(filepath.Separator))
		seen[strings.Join(parts[:3], "/")] = true
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// CLIConfig renders a Terraform CLI configuration. The providers the
// mirrors hold are installed from them and every other provider from its
// registry as usual; without mirrors the file only sets the plugin cache.
func CLIConfig(mirrors []Mirror, pluginCache string) string {
	var b strings.Builder
	if pluginCache != "" {
		fmt.Fprintf(&b, "plugin_cache_dir = %q\n", pluginCache)
	}
	if len(mirrors) == 0 {
		return b.String()
	}
	var all []string
	b.WriteString("provider_installation {\n")
	for _, m := range mirrors {
		list := quoteAll(m.Providers)
		all = append(all, list...)
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path    = %q\n    include = [%s]\n  }\n", m.Path, strings.Join(list, ", "))
	}
	fmt.Fprintf(&b, "  direct {\n    exclude = [%s]\n  }\n}\n", strings.Join(all, ", "))
	return b.String()
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// WriteCLIConfig writes a CLI configuration for this machine into dir and
// returns its path, for TF_CLI_CONFIG_FILE.
func WriteCLIConfig(dir string) (string, error) {
	mirrors, err := FindProviderMirrors()
	if err != nil {
		return "", err
	}
	// Mirrors are linked, not copied; without one, a plugin cache saves
	// downloading the 700 MB aws provider once per stack directory.
	cache := ""
	if len(mirrors) == 0 {
		cache = filepath.Join(dir, "plugin-cache")
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, "terraform.rc")
	return path, os.WriteFile(path, []byte(CLIConfig(mirrors, cache)), 0o644)
}
