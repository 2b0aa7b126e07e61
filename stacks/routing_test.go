package stacks_test

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// TestSiteAPIRoutingParity sends the same requests through a site on both
// targets' configurations, with an API whose own route is a host and a
// path the site never uses: on the home server nginx's /api/ location
// picks the container, on AWS CloudFront's /api/* behaviour and the load
// balancer's rules pick the target group. Both must reach the site's API.
func TestSiteAPIRoutingParity(t *testing.T) {
	routed, err := synth.Project(project(func(p *config.Project) {
		p.Apps[0].Route = config.Route{Host: "api.shop.example.com", Path: "/payments/*"}
		p.Apps[1].Route = config.Route{Path: "/ranker/*"}
		// A second site serving the other app under its own /api/.
		p.Apps = append(p.Apps, config.App{Name: "admin", Kind: config.KindSite, Source: "apps/web", HostPort: 8088, Site: config.Site{API: "ranker"}})
	}), filepath.Join(t.TempDir(), "routed"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ site, path, app string }{
		{"web", "/api/orders", "orders"},
		{"web", "/api/orders/17?expand=1", "orders"},
		{"web", "/api/", "orders"},
		{"admin", "/api/rank", "ranker"},
	} {
		onprem := onPremRoute(t, routed, c.site, c.path)
		cloud := cloudRoute(t, routed.Stacks["cloud"], c.site, c.path)
		if onprem != "shop-"+c.app || cloud != "shop-"+c.app {
			t.Errorf("%s%s: home server reaches %q, AWS reaches %q; want %s on both", c.site, c.path, onprem, cloud, c.app)
		}
	}
	// And a request that is not the site's API stays with the site.
	if got := cloudRoute(t, routed.Stacks["cloud"], "web", "/index.html"); got != "s3" {
		t.Errorf("web/index.html reaches %q on AWS", got)
	}
}

var (
	upstream   = regexp.MustCompile(`location \^~ /api/ \{[^}]*set \$api_upstream http://([a-z0-9-]+):([0-9]+);`)
	proxyRoute = regexp.MustCompile(`listen ([0-9]+);[^}]*?include /etc/nginx/routes/([a-z0-9-]+)\.conf\*;`)
)

// onPremRoute is the container the nginx of site's image (its build
// context's default.conf) sends path to.
func onPremRoute(t *testing.T, out *synth.Output, site, path string) string {
	t.Helper()
	if !strings.HasPrefix(path, "/api/") {
		return "nginx"
	}
	conf, err := os.ReadFile(filepath.Join(out.Dir, "build", "site-"+site, "default.conf"))
	if err != nil {
		t.Fatal(err)
	}
	m := upstream.FindStringSubmatch(string(conf))
	if m == nil {
		t.Fatalf("site %s's nginx has no /api/ location:\n%s", site, conf)
	}
	if m[1] != "shop-proxy" {
		return m[1]
	}
	// The front proxy: the server listening on that port names the route,
	// whose file names the container that passed its health check.
	proxy := uploads(out.Stacks["onprem"], container(t, out.Stacks["onprem"], "shop-proxy"))["/etc/nginx/conf.d/default.conf"]["content"].(string)
	for _, r := range proxyRoute.FindAllStringSubmatch(proxy, -1) {
		if r[1] == m[2] {
			return "shop-" + r[2]
		}
	}
	t.Fatalf("the proxy has no server on port %s:\n%s", m[2], proxy)
	return ""
}

// cloudRoute follows path through site's CloudFront distribution and the
// load balancer's rules (by priority) to a target group's name, or "s3".
func cloudRoute(t *testing.T, s *synth.Stack, site, reqPath string) string {
	t.Helper()
	d := s.Resources("aws_cloudfront_distribution")[idOf(t, s, "aws_cloudfront_distribution", "comment", "shop "+site)]
	uri := strings.SplitN(reqPath, "?", 2)[0]
	origin := fmt.Sprint(get(t, d, "default_cache_behavior.target_origin_id"))
	behaviours, _ := d["ordered_cache_behavior"].([]any)
	for _, b := range behaviours {
		b := b.(map[string]any)
		if globMatch(fmt.Sprint(b["path_pattern"]), uri) {
			origin = fmt.Sprint(b["target_origin_id"])
			break
		}
	}
	headers := map[string]string{"host": "d1234.cloudfront.net"}
	found := false
	for _, o := range d["origin"].([]any) {
		o := o.(map[string]any)
		if o["origin_id"] != origin {
			continue
		}
		found = true
		if o["s3_origin_config"] != nil || o["origin_access_control_id"] != nil {
			return "s3"
		}
		hs, _ := o["custom_header"].([]any)
		for _, h := range hs {
			h := h.(map[string]any)
			headers[strings.ToLower(fmt.Sprint(h["name"]))] = fmt.Sprint(h["value"])
		}
	}
	if !found {
		t.Fatalf("distribution of %s has no origin %s", site, origin)
	}
	rules := s.Resources("aws_lb_listener_rule")
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return rules[ids[i]]["priority"].(float64) < rules[ids[j]]["priority"].(float64) })
	for _, id := range ids {
		if ruleMatches(rules[id], uri, headers) {
			tg := fmt.Sprint(get(t, rules[id]["action"].([]any)[0].(map[string]any), "target_group_arn"))
			for tgID, g := range s.Resources("aws_lb_target_group") {
				if tg == ref("aws_lb_target_group", tgID, "arn") {
					return fmt.Sprint(g["name"])
				}
			}
		}
	}
	return "404"
}

// ruleMatches applies an ALB rule's conditions (all must hold; values
// within one condition are alternatives).
func ruleMatches(r map[string]any, uri string, headers map[string]string) bool {
	for _, c := range r["condition"].([]any) {
		c := c.(map[string]any)
		switch {
		case c["path_pattern"] != nil:
			if !anyValue(c["path_pattern"], func(v string) bool { return globMatch(v, uri) }) {
				return false
			}
		case c["host_header"] != nil:
			if !anyValue(c["host_header"], func(v string) bool { return globMatch(v, headers["host"]) }) {
				return false
			}
		case c["http_header"] != nil:
			h := c["http_header"].(map[string]any)
			got, ok := headers[strings.ToLower(fmt.Sprint(h["http_header_name"]))]
			if !ok || !anyValue(h, func(v string) bool { return v == got }) {
				return false
			}
		}
	}
	return true
}

func anyValue(cond any, ok func(string) bool) bool {
	for _, v := range cond.(map[string]any)["values"].([]any) {
		if ok(fmt.Sprint(v)) {
			return true
		}
	}
	return false
}

// globMatch is the ALB/CloudFront pattern: * any run, ? one character.
func globMatch(pattern, s string) bool {
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}
