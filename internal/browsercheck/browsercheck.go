// Package browsercheck looks at a deployed site the way a user does: in
// headless Chromium (Debian's chromium-headless-shell). A curl sees the
// files; only a browser shows that the page runs its script under the
// site's security headers (the CSP among them), that the script reaches
// /api/ through the proxy, and that what it fetched is on the page.
package browsercheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Browsers are the Chromium binaries tried, in order.
var Browsers = []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"}

// Page is what to look for on one URL.
type Page struct {
	// URL is opened as a user would.
	URL string
	// Visible is a CSS selector that must become visible: what the script
	// renders (e.g. "#notes li").
	Visible string
	// Text must then be in the page's text. Default "": not checked.
	Text string
	// Screenshot is a PNG file to write of the page once it shows Text.
	// Default "": none.
	Screenshot string
}

// Find is the path of the first of Browsers on the PATH.
func Find() (string, error) {
	for _, b := range Browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium on the PATH (tried %s): install Debian's chromium-headless-shell", strings.Join(Browsers, ", "))
}

// Check opens each page in a fresh headless Chromium and reports every
// problem at once: a console error or uncaught exception (a script the
// CSP blocks shows here), a request that failed or answered 4xx/5xx, and
// a selector or text that did not show within timeout.
func Check(ctx context.Context, timeout time.Duration, pages ...Page) error {
	bin, err := Find()
	if err != nil {
		return err
	}
	alloc, cancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		// Root in a container has no user namespace for the sandbox.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1024, 768),
	)
	defer cancel()
	var errs []error
	for _, p := range pages {
		if err := checkPage(alloc, timeout, p); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.URL, err))
		}
	}
	return errors.Join(errs...)
}

func checkPage(alloc context.Context, timeout time.Duration, p Page) error {
	tab, cancel := chromedp.NewContext(alloc)
	defer cancel()
	run, cancelRun := context.WithTimeout(tab, timeout)
	defer cancelRun()
	// The console (console.error, uncaught exceptions, and the browser's own
	// errors: a blocked script, a failed request), collected while the
	// page loads.
	var mu sync.Mutex
	var problems []string
	watching, stopWatching := context.WithCancel(run)
	done := make(chan struct{})
	messages := chromedp.Console(watching)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				text, _, _ := strings.Cut(m.Text, "\n")
				mu.Lock()
				problems = append(problems, string(m.Type)+": "+text)
				mu.Unlock()
			}
		}
	}()
	err := chromedp.Do(run, chromedp.Navigate(p.URL), chromedp.WaitVisible(chromedp.CSS(p.Visible)))
	var text string
	if err == nil {
		text, err = chromedp.Run(run, chromedp.Text(chromedp.CSS("body")))
	}
	var shot []byte
	if err == nil && p.Screenshot != "" {
		shot, err = chromedp.Run(run, chromedp.FullScreenshot(100))
	}
	// Messages of the page's last moments still count.
	time.Sleep(300 * time.Millisecond)
	stopWatching()
	<-done
	mu.Lock()
	found := append([]string(nil), problems...)
	mu.Unlock()
	if err != nil {
		found = append(found, fmt.Sprintf("%s did not become visible within %s (%v)", p.Visible, timeout, err))
	} else if p.Text != "" && !strings.Contains(text, p.Text) {
		found = append(found, fmt.Sprintf("the page does not show %q; it shows: %s", p.Text, strings.Join(strings.Fields(text), " ")))
	}
	if len(found) > 0 {
		return errors.New(strings.Join(found, "; "))
	}
	if p.Screenshot != "" {
		return os.WriteFile(p.Screenshot, shot, 0o644)
	}
	return nil
}
