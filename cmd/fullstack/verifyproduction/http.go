package verifyproduction

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// prober asks the production URLs, retrying what may be passing: a
// connection that fails and, for a service, the answers a proxy gives
// while the app starts (curl --retry); for a site, any error answer
// (curl -f --retry-all-errors: CloudFront and S3 may still be catching
// up). Like curl without -L, it judges a redirect itself, not its target.
type prober struct {
	client *http.Client
	tries  int
	delay  time.Duration
}

func newProber() *prober {
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &prober{client: client, tries: 11, delay: 6 * time.Second}
}

// transient are the answers curl --retry asks again.
func transient(code int) bool {
	return code == 408 || code == 429 || code == 500 || code == 502 || code == 503 || code == 504
}

// anError is every error answer (curl -f --retry-all-errors).
func anError(code int) bool { return code >= 400 }

// get fetches url, asking again while retry says so; code 0 means no
// answer.
func (p *prober) get(ctx context.Context, url string, retry func(code int) bool) (code int, body string, err error) {
	for try := 1; ; try++ {
		code, body, err = p.once(ctx, url)
		if (err == nil && !retry(code)) || try == p.tries {
			return code, body, err
		}
		select {
		case <-ctx.Done():
			return code, body, ctx.Err()
		case <-time.After(p.delay):
		}
	}
}

func (p *prober) once(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// checkService: any answer below 500 came from the app itself (services
// answer through CloudFront, or the load balancer with a certificate).
func (p *prober) checkService(ctx context.Context, stdout io.Writer, url string) error {
	code, _, _ := p.get(ctx, url+"/", transient)
	fmt.Fprintf(stdout, "%03d %s/\n", code, url)
	if code < 200 || code >= 500 {
		return fmt.Errorf("%s/ answered %03d", url, code)
	}
	return nil
}

// checkSite: the site's index is HTML.
func (p *prober) checkSite(ctx context.Context, stdout io.Writer, url string) error {
	code, body, err := p.get(ctx, url+"/", anError)
	switch {
	case err != nil:
		return fmt.Errorf("%s/: %w", url, err)
	case code >= 400:
		return fmt.Errorf("%s/ answered %d", url, code)
	case !strings.Contains(strings.ToLower(body), "<!doctype html>"):
		return fmt.Errorf("%s/ serves no HTML page (no <!doctype html>)", url)
	}
	fmt.Fprintln(stdout, "serving:", url)
	return nil
}
