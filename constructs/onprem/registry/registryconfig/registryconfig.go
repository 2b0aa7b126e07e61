// Package registryconfig renders the on-prem registry's config.yml: what
// the registry construct uploads, and what the tests run Debian's
// docker-registry with.
package registryconfig

import (
	"fmt"
	"strings"
)

// Settings are the registry configuration file's variable parts.
type Settings struct {
	// RootDir holds the storage. In the container: /var/lib/registry.
	RootDir string
	// Addr is the listen address, e.g. ":5000".
	Addr string
	// DebugAddr serves /debug/health for the health check; keep it on
	// loopback (it is not published). E.g. "127.0.0.1:5001".
	DebugAddr string
	// TLSCert and TLSKey enable HTTPS. Default empty: HTTP.
	TLSCert, TLSKey string
	// HTPasswdPath enables basic authentication. Default empty: none.
	HTPasswdPath string
	// Realm is the basic-authentication realm.
	Realm string
}

// Config renders the registry's config.yml. Deletes are enabled so images
// can be removed and their space reclaimed by garbage collection; upload
// purging removes abandoned uploads after a week. No blob descriptor
// cache: a preview's teardown removes its repositories from the storage,
// and a cache would still vouch for their layers (a later push of the
// same repository would skip them and leave its manifest unreadable after
// a restart).
func Config(s Settings) string {
	var b strings.Builder
	fmt.Fprintf(&b, `version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: true
      age: 168h
      interval: 24h
      dryrun: false
http:
  addr: %q
  headers:
    X-Content-Type-Options: [nosniff]
  debug:
    addr: %q
`, s.RootDir, s.Addr, s.DebugAddr)
	if s.TLSCert != "" {
		fmt.Fprintf(&b, "  tls:\n    certificate: %s\n    key: %s\n", s.TLSCert, s.TLSKey)
	}
	if s.HTPasswdPath != "" {
		fmt.Fprintf(&b, "auth:\n  htpasswd:\n    realm: %q\n    path: %s\n", s.Realm, s.HTPasswdPath)
	}
	b.WriteString(`health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
`)
	return b.String()
}
