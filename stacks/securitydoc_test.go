package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSecurityDocRoles keeps docs/security.md's table of the CI roles
// equal to what the bootstrap stack synthesizes: each role, the one
// subject it trusts, and each statement's actions and resources.
// FULLSTACK_UPDATE_DOCS=1 rewrites the table.
func TestSecurityDocRoles(t *testing.T) {
	s := plain.Stacks["cloud-bootstrap"]
	policies := map[string]map[string]any{}
	for _, pol := range s.Resources("aws_iam_role_policy") {
		policies[fmt.Sprint(pol["role"])] = policyDoc(t, pol["policy"])
	}
	ids := []string{}
	for id := range s.Resources("aws_iam_role") {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	short := strings.NewReplacer("${data.aws_partition.partition.partition}", "aws", "${data.aws_caller_identity.account.account_id}", "<account>", "|", "\\|")
	var b strings.Builder
	b.WriteString("| Role | Trusts (`sub`, StringEquals) | Statement | Actions | Resources | Condition |\n|---|---|---|---|---|---|\n")
	for _, id := range ids {
		role := s.Resources("aws_iam_role")[id]
		trust := policyDoc(t, role["assume_role_policy"])["Statement"].([]any)[0].(map[string]any)
		sub := trust["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"]
		doc := policies["${aws_iam_role."+id+".id}"]
		for i, st := range doc["Statement"].([]any) {
			st := st.(map[string]any)
			name, subject := "", ""
			if i == 0 {
				name, subject = "`"+fmt.Sprint(role["name"])+"`", "`"+fmt.Sprint(sub)+"`"
			}
			var actions, resources []string
			for _, a := range st["Action"].([]any) {
				actions = append(actions, fmt.Sprint(a))
			}
			for _, r := range st["Resource"].([]any) {
				resources = append(resources, "`"+short.Replace(fmt.Sprint(r))+"`")
			}
			cond := ""
			if c, ok := st["Condition"]; ok {
				raw, _ := json.Marshal(c)
				cond = "`" + short.Replace(string(raw)) + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, subject, st["Sid"], strings.Join(actions, ", "), strings.Join(resources, "<br>"), cond)
		}
	}
	path := filepath.Join("..", "docs", "security.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- roles:begin -->\n", "<!-- roles:end -->"
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q ... %q markers", path, begin, end)
	}
	want := doc[:i+len(begin)] + b.String() + doc[j:]
	if want == doc {
		return
	}
	if os.Getenv("FULLSTACK_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/security.md's roles table differs from the synthesized roles: run FULLSTACK_UPDATE_DOCS=1 go test ./stacks -run TestSecurityDocRoles, and review the change")
}
