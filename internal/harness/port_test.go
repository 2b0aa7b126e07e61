package harness

import (
	"fmt"
	"net"
	"testing"
)

// Deployments pick all their ports before binding any, so FreePort must
// never hand out a port twice, nor one the kernel may give an outgoing
// connection, nor one that something already listens on.
func TestFreePortHandsOutEachPortOnceBelowTheEphemeralRange(t *testing.T) {
	// Hold the next port FreePort would try: it must be passed over.
	handed.Lock()
	var busy net.Listener
	var held int
	for busy == nil {
		held = firstHandedPort + (handed.start+handed.next)%handedPorts
		if l, err := net.Listen("tcp", fmt.Sprintf(":%d", held)); err == nil {
			busy = l
		} else {
			handed.next++
		}
	}
	handed.Unlock()
	defer busy.Close()
	seen := map[int]bool{}
	for range 200 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case seen[port]:
			t.Fatalf("port %d handed out twice", port)
		case port == held:
			t.Fatalf("port %d handed out while something listens on it", port)
		case port < firstHandedPort || port >= 32768:
			t.Fatalf("port %d is outside %d-32767", port, firstHandedPort)
		}
		seen[port] = true
	}
}
