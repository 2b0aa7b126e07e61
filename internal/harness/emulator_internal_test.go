package harness

import (
	"strings"
	"testing"
)

// TestEmulatorStartsAndStops looks inside: the process is gone after Stop.
func TestEmulatorStartsAndStops(t *testing.T) {
	e, err := StartEmulator(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.Endpoint, "http://127.0.0.1:") {
		t.Errorf("endpoint %q is not on loopback", e.Endpoint)
	}
	code, body, err := e.Request("sts", "us-east-1", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=GetCallerIdentity&Version=2011-06-15")
	if err != nil || code != 200 || !strings.Contains(string(body), "123456789012") {
		t.Errorf("GetCallerIdentity: %d %v %s", code, err, body)
	}
	e.Stop()
	select {
	case <-e.proc.exited:
	default:
		t.Error("moto_server still running after Stop")
	}
}
