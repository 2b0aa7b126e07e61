package network

import (
	"strings"
	"testing"
)

// Bad props are refused before any resource is created (scope is unused).
func TestNewRejectsBadProps(t *testing.T) {
	for _, c := range []struct {
		props Props
		want  string
	}{
		{Props{CIDR: "10.0.0.0", Name: "x"}, `CIDR "10.0.0.0": is not a CIDR block`},
		{Props{CIDR: "10.0.0.0/16"}, `Name "": is required`},
	} {
		if _, err := New(nil, "network", c.props); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want %q", c.props, err, c.want)
		}
	}
}
