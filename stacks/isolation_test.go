package stacks_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// TestOriginIsolation reads every synthesized distribution and listener
// rule and shows, for each distribution, that no rule of another app can
// be matched through it, whatever path, host and headers a viewer sends:
// the viewer controls everything but the headers the distribution's load
// balancer origin sets (CloudFront replaces those). A site's distribution
// reaches only its /api/ rule; an API's own distribution only its rule.
func TestOriginIsolation(t *testing.T) {
	twoSites, err := synth.Project(project(func(p *config.Project) {
		p.Apps[0].Route = config.Route{Host: "api.shop.example.com", Path: "/payments/*"}
		p.Apps = append(p.Apps,
			config.App{Name: "admin", Kind: config.KindSite, Source: "apps/web", HostPort: 8088, Site: config.Site{API: "ranker"}},
			config.App{Name: "search", Kind: config.KindAPI, Source: "apps/orders", Port: 8081, HostPort: 8081, Route: config.Route{Path: "/search/*"}})
	}), filepath.Join(t.TempDir(), "two-sites"))
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]*synth.Output{"plain": plain, "emulated": emulated, "perAZ": perAZ, "secured": secured, "two sites": twoSites} {
		s := out.Stacks["cloud"]
		rules := s.Resources("aws_lb_listener_rule")
		for _, d := range s.Resources("aws_cloudfront_distribution") {
			set := originHeaders(d)
			if set == nil {
				continue // no origin on the load balancer
			}
			serves := fmt.Sprint(d["tags"].(map[string]any)["app"])
			reachable := 0
			for id, r := range rules {
				if !viewerCanMatch(r, set) {
					continue
				}
				tags := r["tags"].(map[string]any)
				own := tags["site"] == serves || (tags["site"] == nil && tags["app"] == serves)
				if !own {
					t.Errorf("%s: through %s's distribution a viewer reaches rule %s of app %v (site %v): %v", name, serves, id, tags["app"], tags["site"], r["condition"])
				}
				reachable++
			}
			if reachable == 0 {
				t.Errorf("%s: %s's distribution reaches no rule at all", name, serves)
			}
		}
	}
	// The control: the same reading, with the origin header ignored (as
	// if a viewer could set it), finds a way into another app's rules.
	s := twoSites.Stacks["cloud"]
	leaks := false
	for _, d := range s.Resources("aws_cloudfront_distribution") {
		if originHeaders(d) == nil {
			continue
		}
		serves := fmt.Sprint(d["tags"].(map[string]any)["app"])
		for _, r := range s.Resources("aws_lb_listener_rule") {
			tags := r["tags"].(map[string]any)
			if viewerCanMatch(r, map[string]string{}) && tags["site"] != serves && tags["app"] != serves {
				leaks = true
			}
		}
	}
	if !leaks {
		t.Error("with a viewer-set origin header no rule leaks: the check above would pass whatever the rules say")
	}
}

// originHeaders are the headers d's load balancer origin sets (lower-case
// names), or nil when d has no origin on the load balancer.
func originHeaders(d map[string]any) map[string]string {
	for _, o := range d["origin"].([]any) {
		o := o.(map[string]any)
		if o["vpc_origin_config"] == nil {
			continue
		}
		set := map[string]string{}
		hs, _ := o["custom_header"].([]any)
		for _, h := range hs {
			h := h.(map[string]any)
			set[strings.ToLower(fmt.Sprint(h["name"]))] = fmt.Sprint(h["value"])
		}
		return set
	}
	return nil
}

// viewerCanMatch: every condition of r can hold for some request a viewer
// sends through a distribution whose origin sets set. Paths, hosts and
// other headers are the viewer's to choose.
func viewerCanMatch(r map[string]any, set map[string]string) bool {
	for _, c := range r["condition"].([]any) {
		h, ok := c.(map[string]any)["http_header"].(map[string]any)
		if !ok {
			continue
		}
		value, fixed := set[strings.ToLower(fmt.Sprint(h["http_header_name"]))]
		if !fixed {
			continue
		}
		var values []string
		for _, v := range h["values"].([]any) {
			values = append(values, fmt.Sprint(v))
		}
		if !slices.Contains(values, value) {
			return false
		}
	}
	return true
}
