package securityscan

import (
	"strings"
	"testing"
)

func TestRepositoryAcceptedFindingsLoad(t *testing.T) {
	list, err := LoadAccepted("../" + AcceptedFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no accepted findings: the scan would then fail on every stack's priced options")
	}
}

func TestAcceptedFileProblemsAreReportedAtOnce(t *testing.T) {
	_, err := ParseAccepted("accepted.yaml", []byte(`accepted:
  - id: AWS-0011
    reason: ""
  - reason: costs money
  - id: AWS-0010
    resources: ["[bad"]
    reason: ok
`))
	if err == nil {
		t.Fatal("a list with problems loaded")
	}
	for _, want := range []string{
		"accepted.yaml:2: accepted AWS-0011 has no reason",
		"accepted.yaml:4: accepted entry has no id",
		`accepted.yaml:5: accepted AWS-0010: pattern "[bad" is malformed`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := ParseAccepted("accepted.yaml", []byte("accepted:\n  - id: AWS-0011\n    reson: typo\n")); err == nil || !strings.Contains(err.Error(), "reson") {
		t.Errorf("an unknown field is not named: %v", err)
	}
}

func TestJudge(t *testing.T) {
	waf := Finding{Stack: "cloud", ID: "AWS-0011", Resource: "aws_cloudfront_distribution.site_distribution_1"}
	http := Finding{Stack: "cloud", ID: "AWS-0054", Resource: "aws_lb_listener.lb_http_2"}
	bootstrapOnly := Finding{Stack: "cloud", ID: "AWS-0025", Resource: "aws_dynamodb_table.t"}
	accepted := []Acceptance{
		{ID: "AWS-0011", Resources: []string{"aws_cloudfront_distribution"}, Reason: "priced"},
		{ID: "AWS-0054", Resources: []string{"aws_lb_listener.other_*"}, Reason: "only another listener"},
		{ID: "AWS-0025", Stacks: []string{"cloud-bootstrap"}, Reason: "lock table"},
		{ID: "AWS-0099", Reason: "matches nothing"},
	}
	v := Judge([]Finding{waf, http, bootstrapOnly}, accepted)
	if len(v.Accepted) != 1 || v.Accepted[0].Finding != waf {
		t.Errorf("accepted = %v, want only the WAF finding", v.Accepted)
	}
	if len(v.Unaccepted) != 2 || v.Unaccepted[0] != http || v.Unaccepted[1] != bootstrapOnly {
		t.Errorf("unaccepted = %v, want the listener (other address) and the table (other stack)", v.Unaccepted)
	}
	var unused []string
	for _, a := range v.Unused {
		unused = append(unused, a.ID)
	}
	if strings.Join(unused, ",") != "AWS-0054,AWS-0025,AWS-0099" {
		t.Errorf("unused = %v", unused)
	}
}
