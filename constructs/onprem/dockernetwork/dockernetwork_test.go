package dockernetwork

import (
	"strings"
	"testing"
)

// Bad props are refused, all at once, before any resource is created.
func TestNewRejectsBadProps(t *testing.T) {
	_, err := New(nil, "net", Props{Subnet: "172.30.0.0"})
	if err == nil {
		t.Fatal("bad props accepted")
	}
	for _, want := range []string{`Name "": is required`, `Subnet "172.30.0.0": is not a CIDR block`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
