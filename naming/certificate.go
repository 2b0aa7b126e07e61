package naming

import "strings"

// CertificateCovers reports whether a certificate name (its domain name or
// one of its alternative names) covers host, as TLS clients check it:
// exactly, or as a wildcard "*.<parent>" for one label directly below
// <parent> (not two, and not <parent> itself). Case does not matter.
func CertificateCovers(name, host string) bool {
	name, host = strings.ToLower(strings.TrimSuffix(name, ".")), strings.ToLower(strings.TrimSuffix(host, "."))
	if name == "" || host == "" {
		return false
	}
	parent, wildcard := strings.CutPrefix(name, "*.")
	if !wildcard {
		return name == host
	}
	label, rest, ok := strings.Cut(host, ".")
	return ok && label != "" && label != "*" && rest == parent && strings.Contains(parent, ".")
}
