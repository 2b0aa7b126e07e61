package naming

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func TestSubnetPlan(t *testing.T) {
	cases := []struct {
		vpc             string
		zones           int
		public, private string
	}{
		{"10.0.0.0/16", 2, "[10.0.0.0/18 10.0.64.0/18]", "[10.0.128.0/18 10.0.192.0/18]"},
		{"10.40.0.0/16", 3, "[10.40.0.0/19 10.40.32.0/19 10.40.64.0/19]", "[10.40.96.0/19 10.40.128.0/19 10.40.160.0/19]"},
		{"192.168.1.0/24", 2, "[192.168.1.0/26 192.168.1.64/26]", "[192.168.1.128/26 192.168.1.192/26]"},
	}
	for _, c := range cases {
		pub, priv, err := SubnetPlan(netip.MustParsePrefix(c.vpc), c.zones)
		if err != nil {
			t.Fatalf("%s: %v", c.vpc, err)
		}
		if fmt.Sprint(pub) != c.public || fmt.Sprint(priv) != c.private {
			t.Errorf("%s x%d = %v %v, want %s %s", c.vpc, c.zones, pub, priv, c.public, c.private)
		}
		all := append(append([]netip.Prefix{}, pub...), priv...)
		for i := range all {
			if !netip.MustParsePrefix(c.vpc).Contains(all[i].Addr()) {
				t.Errorf("%s outside %s", all[i], c.vpc)
			}
			for j := i + 1; j < len(all); j++ {
				if all[i].Overlaps(all[j]) {
					t.Errorf("%s overlaps %s", all[i], all[j])
				}
			}
		}
	}
}

func TestSubnetPlanTooSmall(t *testing.T) {
	_, _, err := SubnetPlan(netip.MustParsePrefix("10.0.0.0/24"), 9)
	if err == nil || !strings.Contains(err.Error(), "too small for 18 subnets") {
		t.Errorf("want too-small error, got %v", err)
	}
}
