package tests

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/constructs/siteheaders"
	"github.com/homecloud-dev/fullstack/internal/browsercheck"
)

// notesSite serves the sample site's files with the security headers of
// csp, and a notes API that holds one note, as the proxy would on /api/.
func notesSite(t *testing.T, csp string) string {
	t.Helper()
	files := http.FileServer(http.Dir(filepath.Join(repoRoot, "apps", "notes-web")))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range siteheaders.Headers(csp) {
			w.Header().Set(h[0], h[1])
		}
		switch {
		case r.URL.Path == "/api/notes":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`[{"title":"seen by a browser","body":"through /api/","tags":["e2e"]}]`))
		case strings.HasPrefix(r.URL.Path, "/assets/"):
			files.ServeHTTP(w, r)
		default: // the single-page app's deep links
			http.ServeFile(w, r, filepath.Join(repoRoot, "apps", "notes-web", "index.html"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestBrowserSeesTheSiteUnderItsCSP: the sample site, under the CSP every
// site sends, renders the note its script fetched from /api/, on / and on
// a deep link; under a CSP that blocks scripts the same check fails,
// naming the policy, so the check would catch a header that breaks the
// site.
func TestBrowserSeesTheSiteUnderItsCSP(t *testing.T) {
	inShortLane(t)
	ctx := context.Background()
	good := notesSite(t, siteheaders.DefaultCSP)
	if err := browsercheck.Check(ctx, 30*time.Second,
		browsercheck.Page{URL: good + "/", Visible: "#notes li", Text: "seen by a browser"},
		browsercheck.Page{URL: good + "/notes/42", Visible: "#notes li", Text: "seen by a browser"},
	); err != nil {
		t.Fatalf("the site under its own CSP: %v", err)
	}
	blocked := notesSite(t, "default-src 'self'; script-src 'none'")
	err := browsercheck.Check(ctx, 10*time.Second, browsercheck.Page{URL: blocked + "/", Visible: "#notes li", Text: "seen by a browser"})
	if err == nil || !strings.Contains(err.Error(), "Content Security Policy") {
		t.Fatalf("a CSP that blocks the script: got %v, want an error naming the Content Security Policy", err)
	}
	t.Logf("refused: %v", err)
}
