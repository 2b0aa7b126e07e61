package naming

import "testing"

func TestCertificateCovers(t *testing.T) {
	for _, c := range []struct {
		name, host string
		want       bool
	}{
		{"shop.example.com", "shop.example.com", true},
		{"Shop.Example.com", "shop.example.COM.", true},
		{"shop.example.com", "www.shop.example.com", false},
		{"*.example.com", "shop.example.com", true},    // one level
		{"*.example.com", "a.shop.example.com", false}, // not two
		{"*.example.com", "example.com", false},        // not the parent itself
		{"*.example.com", "shop.example.org", false},   // another parent
		{"*.com", "example.com", false},                // no wildcard for a whole top-level domain
		{"*.example.com", "*.example.com", false},      // a host is a name, not a pattern
		{"", "shop.example.com", false},
	} {
		if got := CertificateCovers(c.name, c.host); got != c.want {
			t.Errorf("CertificateCovers(%q, %q) = %v, want %v", c.name, c.host, got, c.want)
		}
	}
}
