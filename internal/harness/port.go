package harness

import (
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// The ports FreePort hands out lie below Linux's ephemeral range
// (32768-60999 by default), where the kernel picks the local ports of
// outgoing connections and Docker picks unnamed host ports: a port
// chosen there could be taken by either before the test binds it.
const (
	firstHandedPort = 20000
	handedPorts     = 12000
)

// handed walks the range once, from an offset taken from the process ID
// (so that two processes rarely walk the same ports): a port it has
// passed is never handed out again, by this process.
var handed = struct {
	sync.Mutex
	start, next int
}{start: os.Getpid() * 7919 % handedPorts}

// FreePort returns a TCP port that was free a moment ago on every
// address, and that this process has not handed out before: several
// deployments pick their ports before any of them binds one.
func FreePort() (int, error) {
	handed.Lock()
	defer handed.Unlock()
	for handed.next < handedPorts {
		port := firstHandedPort + (handed.start+handed.next)%handedPorts
		handed.next++
		if l, err := net.Listen("tcp", fmt.Sprintf(":%d", port)); err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("find a free port: this process has walked all of %d-%d", firstHandedPort, firstHandedPort+handedPorts-1)
}

// waitForPort waits until something accepts connections on addr, or until
// the process reports it exited (exited is closed), or timeout.
func waitForPort(addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("the process exited before listening on %s", addr)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listened on %s within %s", addr, timeout)
}
