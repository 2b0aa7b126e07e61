package ecscluster

import (
	"slices"
	"strings"
	"testing"
)

func TestExecutionPolicyGrantsOnlyWhatIsGiven(t *testing.T) {
	doc := executionPolicy(executionGrants{
		repositories: []string{"arn:repo/shop/api/orders"},
		logGroups:    []string{"arn:log-group:/shop/orders"},
	})
	bySid := map[string][]string{}
	for _, st := range doc.Statement {
		bySid[st.Sid] = st.Resource
		for _, a := range st.Action {
			if strings.HasSuffix(a, ":*") || a == "*" {
				t.Errorf("%s: wildcard action %s", st.Sid, a)
			}
		}
	}
	if !slices.Equal(bySid["PullProjectImages"], []string{"arn:repo/shop/api/orders"}) {
		t.Errorf("pull scope = %v", bySid["PullProjectImages"])
	}
	if !slices.Equal(bySid["WriteProjectLogs"], []string{"arn:log-group:/shop/orders:log-stream:*"}) {
		t.Errorf("log scope = %v", bySid["WriteProjectLogs"])
	}
	if _, ok := bySid["ReadGivenSecrets"]; ok {
		t.Error("no secrets were given, yet the role may read secrets")
	}
	if !slices.Equal(bySid["RegistryLogin"], []string{"*"}) || len(doc.Statement) != 3 {
		t.Errorf("statements = %+v", doc.Statement)
	}
	withSecret := executionPolicy(executionGrants{secrets: []string{"arn:secret:db"}})
	if last := withSecret.Statement[len(withSecret.Statement)-1]; last.Sid != "ReadGivenSecrets" || !slices.Equal(last.Resource, []string{"arn:secret:db"}) {
		t.Errorf("secret grant = %+v", last)
	}
}

func TestNewRejectsBadProps(t *testing.T) {
	_, err := New(nil, "c", Props{LogRetentionDays: 45, Logs: []AppLog{{App: "x"}}})
	for _, want := range []string{`Name "": is required`, `ExecutionRoleName "": is required`, "LogRetentionDays 45", `Logs[0].Name "": is required`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
