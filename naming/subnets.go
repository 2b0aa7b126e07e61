package naming

import (
	"fmt"
	"math/bits"
	"net/netip"
)

// SmallestSubnetBits is the smallest subnet AWS allows (/28, 16 addresses).
const SmallestSubnetBits = 28

// SubnetPlan splits a VPC range into one public and one private subnet per
// availability zone, all the same size and never overlapping: public
// subnets take the first blocks, private subnets the next ones. The plan
// only depends on the VPC range and the zone count, so adding nothing else
// ever moves a subnet.
func SubnetPlan(vpc netip.Prefix, zones int) (public, private []netip.Prefix, err error) {
	if zones < 1 {
		return nil, nil, fmt.Errorf("need at least one zone, got %d", zones)
	}
	newBits := bits.Len(uint(2*zones - 1)) // ceil(log2(2*zones))
	size := vpc.Bits() + newBits
	if size > SmallestSubnetBits {
		return nil, nil, fmt.Errorf("%s is too small for %d subnets (2 per zone): they would be /%d, and AWS subnets are /%d at the smallest", vpc, 2*zones, size, SmallestSubnetBits)
	}
	base := vpc.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	block := uint32(1) << (32 - size)
	nth := func(i int) netip.Prefix {
		a := start + uint32(i)*block
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), size)
	}
	for i := 0; i < zones; i++ {
		public = append(public, nth(i))
		private = append(private, nth(zones+i))
	}
	return public, private, nil
}
