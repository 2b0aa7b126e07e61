package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MirrorEnv names a provider filesystem mirror explicitly.
const MirrorEnv = "FULLSTACK_TF_PLUGIN_MIRROR"

// mirrorCandidates are the usual places of a provider mirror in the
// unpacked layout (<host>/<namespace>/<type>/<version>/<os_arch>/).
var mirrorCandidates = []string{
	"/opt/tf-plugins",
	"/usr/local/share/terraform/plugins",
	"/usr/share/terraform/plugins",
	"$HOME/.terraform.d/plugins",
	"$HOME/.local/share/terraform/plugins",
}

// FindProviderMirror returns the provider mirror directory: $MirrorEnv
// when set, else the first candidate holding at least one provider, else
// "" (use the public registry).
func FindProviderMirror() (string, error) {
	if m := os.Getenv(MirrorEnv); m != "" {
		if len(mirrorProviders(m)) == 0 {
			return "", fmt.Errorf("%s=%s holds no provider in <host>/<namespace>/<type>/ layout", MirrorEnv, m)
		}
		return m, nil
	}
	for _, c := range mirrorCandidates {
		dir := os.ExpandEnv(c)
		if len(mirrorProviders(dir)) > 0 {
			return dir, nil
		}
	}
	return "", nil
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

// CLIConfig renders a Terraform CLI configuration. With a mirror, the
// providers it holds are installed from it and every other provider from
// its registry as usual; without one the file only sets the plugin cache.
func CLIConfig(mirror, pluginCache string) string {
	var b strings.Builder
	if pluginCache != "" {
		fmt.Fprintf(&b, "plugin_cache_dir = %q\n", pluginCache)
	}
	providers := mirrorProviders(mirror)
	if len(providers) == 0 {
		return b.String()
	}
	quoted := make([]string, len(providers))
	for i, p := range providers {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	list := strings.Join(quoted, ", ")
	fmt.Fprintf(&b, "provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%s]\n  }\n  direct {\n    exclude = [%s]\n  }\n}\n", mirror, list, list)
	return b.String()
}

// WriteCLIConfig writes a CLI configuration for this machine into dir and
// returns its path, for TF_CLI_CONFIG_FILE.
func WriteCLIConfig(dir string) (string, error) {
	mirror, err := FindProviderMirror()
	if err != nil {
		return "", err
	}
	// A mirror is linked, not copied; without one, a plugin cache saves
	// downloading the 700 MB aws provider once per stack directory.
	cache := ""
	if mirror == "" {
		cache = filepath.Join(dir, "plugin-cache")
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, "terraform.rc")
	return path, os.WriteFile(path, []byte(CLIConfig(mirror, cache)), 0o644)
}
