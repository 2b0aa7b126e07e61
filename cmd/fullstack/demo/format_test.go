package demo

import "testing"

func TestOutputsReadAsTextNotGoMaps(t *testing.T) {
	got := formatOutput(map[string]any{
		"notes-web": "https://d1.cloudfront.net",
		"notes-api": "https://d2.cloudfront.net",
	})
	want := "\n      notes-api: https://d2.cloudfront.net\n      notes-web: https://d1.cloudfront.net"
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
