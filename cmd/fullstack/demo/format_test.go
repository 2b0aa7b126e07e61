package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestOutputsReadAsTextNotGoMaps(t *testing.T) {
	got := formatOutput(map[string]any{
		"notes-web": "https://d1.cloudfront.net",
		"notes-api": "https://d2.cloudfront.net",
	})
	want := "\n    notes-api: https://d2.cloudfront.net\n    notes-web: https://d1.cloudfront.net"
	if got != want {
		t.Errorf("map output = %q, want %q", got, want)
	}
	if got := formatOutput([]any{"a", "b"}); got != " a, b" {
		t.Errorf("list output = %q", got)
	}
	if got := formatOutput("notes-production-tfstate"); got != " notes-production-tfstate" {
		t.Errorf("string output = %q", got)
	}
}

// A map output's keys sit two deeper than its name, both while it is up
// and in the summary.
func TestMapOutputsIndentUnderTheirName(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out, &out)
	r.deployed("AWS stacks:")
	r.deployed("  cloud.site_urls:%s", formatOutput(map[string]any{"notes-web": "https://d1.cloudfront.net"}))
	r.printDeployed()
	r.summary()
	for _, want := range []string{
		"\n  AWS stacks:\n    cloud.site_urls:\n      notes-web: https://d1.cloudfront.net\n",
		"\n    AWS stacks:\n      cloud.site_urls:\n        notes-web: https://d1.cloudfront.net\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("want %q in\n%s", want, out.String())
		}
	}
}
