package scan

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/securityscan"
)

// An open SSH rule: a finding nobody accepted.
const openSSH = `{"resource": {"aws_security_group_rule": {"ssh": {"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-1", "description": "ssh"}}}}`

func stackDir(t *testing.T, stack, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, stack), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stack, "cdk.tf.json"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func trivyFlag(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(securityscan.TrivyPath()); err != nil {
		t.Fatalf("trivy is not at %s: run ./scripts/setup", securityscan.TrivyPath())
	}
	return "-trivy=" + securityscan.TrivyPath()
}

func TestScanFailsOnAFindingNobodyAccepted(t *testing.T) {
	dir := stackDir(t, "cloud", openSSH)
	var out bytes.Buffer
	code, err := run([]string{trivyFlag(t), "-dir", dir, "-accepted", "../../../" + securityscan.AcceptedFile}, &out, io.Discard)
	if code != 1 || err == nil {
		t.Fatalf("exit %d, err %v: an open SSH rule passed the scan\n%s", code, err, out.String())
	}
	for _, want := range []string{"not accepted: cloud AWS-0107", "aws_security_group_rule.ssh", "fix:", securityscan.AcceptedFile} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}

func TestScanAcceptsWithAReasonAndStrictRefusesStaleEntries(t *testing.T) {
	dir := stackDir(t, "cloud", openSSH)
	accepted := filepath.Join(t.TempDir(), "accepted.yaml")
	os.WriteFile(accepted, []byte(`accepted:
  - id: AWS-0107
    resources: [aws_security_group_rule]
    reason: a bastion this test opens on purpose
  - id: AWS-0011
    reason: WAF, priced
`), 0o644)
	var out bytes.Buffer
	if code, err := run([]string{trivyFlag(t), "-dir", dir, "-accepted", accepted}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d: %v\n%s", code, err, out.String())
	}
	if !strings.Contains(out.String(), "1 accepted, 0 not accepted") {
		t.Errorf("summary: %s", out.String())
	}
	code, err := run([]string{trivyFlag(t), "-dir", dir, "-accepted", accepted, "-strict"}, &out, io.Discard)
	if code != 1 || err == nil || !strings.Contains(err.Error(), "line 5 (AWS-0011) matches no finding any more") {
		t.Errorf("-strict: exit %d, err %v; want the stale AWS-0011 entry named", code, err)
	}
}

func TestScanOfNothingIsAnError(t *testing.T) {
	code, err := run([]string{trivyFlag(t), "-dir", t.TempDir(), "-accepted", "../../../" + securityscan.AcceptedFile}, &bytes.Buffer{}, io.Discard)
	if code != 2 || err == nil || !strings.Contains(err.Error(), "no synthesized stack") {
		t.Errorf("exit %d, err %v", code, err)
	}
}
