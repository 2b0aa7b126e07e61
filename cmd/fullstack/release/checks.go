package release

import (
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
)

// runChecks are the staging checks: each API's health path, each site's
// index (an HTML page) and, for a site with an API, its /api/ answered by
// the API through the site's proxy (any status below 500).
func runChecks(p *config.Project, outs *onPremOutputs, attempts int) []release.Check {
	var checks []release.Check
	for _, a := range p.Apps {
		switch {
		case a.Kind != config.KindSite:
			url := outs.ServiceURLs[a.Name] + a.HealthCheckPath
			checks = append(checks, check(a.Name, "health "+a.HealthCheckPath, url, attempts, func(code int, _ string) bool { return code >= 200 && code < 300 }))
		default:
			base := outs.SiteURLs[a.Name]
			checks = append(checks, check(a.Name, "index", base+"/", attempts, func(code int, body string) bool {
				return code == 200 && strings.Contains(strings.ToLower(body), "<!doctype html")
			}))
			if a.Site.API != "" {
				checks = append(checks, check(a.Name, "/api/ reaches "+a.Site.API, base+"/api/", attempts, func(code int, _ string) bool { return code > 0 && code < 500 }))
			}
		}
	}
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].App < checks[j].App })
	return checks
}

// check tries url until ok accepts the answer or attempts run out.
func check(app, name, url string, attempts int, ok func(code int, body string) bool) release.Check {
	c := release.Check{App: app, Name: name, URL: url}
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < max(attempts, 1); i++ {
		if i > 0 {
			time.Sleep(2 * time.Second)
		}
		c.Status = 0
		resp, err := client.Get(url)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		c.Status = resp.StatusCode
		if ok(resp.StatusCode, string(body)) {
			c.Passed = true
			return c
		}
	}
	return c
}

func statusText(code int) string {
	if code == 0 {
		return "nothing (no connection)"
	}
	return strconv.Itoa(code)
}
