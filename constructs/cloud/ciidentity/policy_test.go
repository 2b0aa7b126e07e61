package ciidentity

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

var scope = Scope{Partition: "aws", Region: "eu-west-1", Account: "123456789012", Project: "shop",
	Cluster: "shop-production", StateBucket: "shop-production-tfstate", LockTable: "shop-production-tflock"}

// unscopable are the only non-read actions allowed on every resource
// without a tag condition: AWS has no resource-level permission for them.
var unscopable = []string{"ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "secretsmanager:GetRandomPassword"}

func isReadOnly(action string) bool {
	_, verb, _ := strings.Cut(action, ":")
	for _, p := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(verb, p) {
			return true
		}
	}
	return false
}

func TestDeployPolicyHasNoWildcardAdmin(t *testing.T) {
	doc := DeployPolicy(scope)
	for _, st := range doc.Statement {
		if st.Effect == "Deny" {
			continue // denials only narrow
		}
		if st.Effect != "Allow" {
			t.Errorf("%s: unexpected effect %s", st.Sid, st.Effect)
		}
		everything := slices.Contains(st.Resource, "*")
		for _, a := range st.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				t.Errorf("%s: action %q allows a whole service", st.Sid, a)
			}
			if everything && st.Condition == nil && !isReadOnly(a) && !slices.Contains(unscopable, a) {
				t.Errorf("%s: %q on every resource without a condition", st.Sid, a)
			}
		}
		for _, r := range st.Resource {
			if r != "*" && !strings.Contains(r, "shop") {
				t.Errorf("%s: resource %q is not the project's", st.Sid, r)
			}
		}
		if everything && st.Condition != nil {
			tag := st.Condition["StringEquals"]
			if tag["aws:RequestTag/project"] != "shop" && tag["aws:ResourceTag/project"] != "shop" {
				t.Errorf("%s: condition %v does not pin the project tag", st.Sid, st.Condition)
			}
		}
	}
}

func TestDeployPolicyScopes(t *testing.T) {
	doc := DeployPolicy(scope)
	find := func(sid string) []string {
		for _, st := range doc.Statement {
			if st.Sid == sid {
				return st.Resource
			}
		}
		t.Fatalf("no statement %s", sid)
		return nil
	}
	want := map[string][]string{
		"TerraformStateObjects":   {"arn:aws:s3:::shop-production-tfstate/shop/*"},
		"TerraformLock":           {"arn:aws:dynamodb:eu-west-1:123456789012:table/shop-production-tflock"},
		"ProjectRepositories":     {"arn:aws:ecr:eu-west-1:123456789012:repository/shop/*"},
		"PullProjectImages":       {"arn:aws:ecr:eu-west-1:123456789012:repository/shop/*"},
		"PassProjectRolesToTasks": {"arn:aws:iam::123456789012:role/shop-*"},
		"ProjectLogs":             {"arn:aws:logs:eu-west-1:123456789012:log-group:/shop/*", "arn:aws:logs:eu-west-1:123456789012:log-group:/shop-*"},
		"ProjectKeyAliases":       {"arn:aws:kms:eu-west-1:123456789012:alias/shop-*", "arn:aws:kms:us-east-1:123456789012:alias/shop-*"},
		"ProjectAlarms":           {"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:shop-*", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-*"},
		"ProjectDashboards":       {"arn:aws:cloudwatch::123456789012:dashboard/shop-*"},
		"ProjectAlertTopics":      {"arn:aws:sns:eu-west-1:123456789012:shop-*", "arn:aws:sns:us-east-1:123456789012:shop-*"},
		"ProjectEventRules":       {"arn:aws:events:eu-west-1:123456789012:rule/shop-*"},
	}
	for sid, w := range want {
		if got := find(sid); !slices.Equal(got, w) {
			t.Errorf("%s resources = %v, want %v", sid, got, w)
		}
	}
	if len(DeployPolicy(scope).JSON()) > 10240 {
		t.Errorf("deploy policy is %d chars; IAM inline policies allow 10240", len(doc.JSON()))
	}
}

func TestTrustPolicyIsExact(t *testing.T) {
	sub := Subject("acme", "shop", "production")
	if sub != "repo:acme/shop:environment:production" {
		t.Fatalf("subject = %v", sub)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(trustPolicy("arn:aws:iam::1:oidc-provider/x", sub).JSON()), &doc); err != nil {
		t.Fatal(err)
	}
	st := doc["Statement"].([]any)[0].(map[string]any)
	cond := st["Condition"].(map[string]any)
	if _, like := cond["StringLike"]; like || len(cond) != 1 {
		t.Fatalf("trust must use StringEquals only: %v", cond)
	}
	eq := cond["StringEquals"].(map[string]any)
	if eq["token.actions.githubusercontent.com:aud"] != "sts.amazonaws.com" {
		t.Errorf("audience = %v", eq["token.actions.githubusercontent.com:aud"])
	}
	// Exactly one subject, an environment's, never a ref.
	if got, ok := eq["token.actions.githubusercontent.com:sub"].(string); !ok || got != sub || strings.Contains(got, ":ref:") || strings.Contains(got, "*") {
		t.Errorf("subject = %v", eq["token.actions.githubusercontent.com:sub"])
	}
	if st["Action"].([]any)[0] != "sts:AssumeRoleWithWebIdentity" {
		t.Errorf("action = %v", st["Action"])
	}
}

// TestPushRightsAreOnlyThePromoteRoles: the deploy role can read images
// (to verify their signatures) but write none; the promote role writes
// and reads the project's repositories and can do nothing else.
func TestPushRightsAreOnlyThePromoteRoles(t *testing.T) {
	for _, st := range DeployPolicy(scope).Statement {
		for _, a := range st.Action {
			if slices.Contains(PushActions, a) {
				t.Errorf("deploy policy %s grants %s: image writes belong to the promote role only", st.Sid, a)
			}
		}
	}
	promote := PromotePolicy(scope)
	var actions []string
	for _, st := range promote.Statement {
		actions = append(actions, st.Action...)
		for _, r := range st.Resource {
			if r != "*" && r != "arn:aws:ecr:eu-west-1:123456789012:repository/shop/*" && !strings.HasPrefix(r, "arn:aws:s3:::shop-production-tfstate") {
				t.Errorf("promote policy %s reaches %s", st.Sid, r)
			}
			if r == "*" && !slices.Equal(st.Action, []string{"ecr:GetAuthorizationToken"}) {
				t.Errorf("promote policy %s: %v on every resource", st.Sid, st.Action)
			}
		}
	}
	for _, st := range promote.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "s3:") && !(st.Sid == "KeepReleases" || st.Sid == "ListReleases") || !strings.HasPrefix(a, "ecr:") && !strings.HasPrefix(a, "s3:") {
				t.Errorf("promote policy %s grants %s: it only copies images and keeps manifests", st.Sid, a)
			}
		}
		if st.Sid == "KeepReleases" && !slices.Equal(st.Resource, []string{"arn:aws:s3:::shop-production-tfstate/shop/releases/*"}) {
			t.Errorf("KeepReleases reaches %v: only the project's releases", st.Resource)
		}
	}
	for _, a := range PushActions {
		if !slices.Contains(actions, a) {
			t.Errorf("promote policy lacks %s", a)
		}
	}
}

// TestDeployRoleCannotChangeTheCIRoles: the project's roles include the
// CI roles (one prefix); an explicit deny covers every way to change them.
func TestDeployRoleCannotChangeTheCIRoles(t *testing.T) {
	var deny *struct{ actions, resources []string }
	for _, st := range DeployPolicy(scope).Statement {
		if st.Effect == "Deny" && st.Sid == "NeverChangeTheCIRoles" {
			deny = &struct{ actions, resources []string }{st.Action, st.Resource}
		}
	}
	if deny == nil {
		t.Fatal("no deny on the CI roles")
	}
	for _, st := range DeployPolicy(scope).Statement {
		if st.Sid != "ProjectRoles" {
			continue
		}
		for _, a := range st.Action {
			if !strings.HasPrefix(a, "iam:List") && !slices.Contains(deny.actions, a) {
				t.Errorf("ProjectRoles allows %s on the CI roles too", a)
			}
		}
	}
	for _, want := range []string{"arn:aws:iam::123456789012:role/shop-*-deploy", "arn:aws:iam::123456789012:role/shop-*-promote"} {
		if !slices.Contains(deny.resources, want) {
			t.Errorf("the deny lacks %s: %v", want, deny.resources)
		}
	}
}

// TestDeployPolicyDrawsPasswords: every plan of the cloud stack reads the
// app role's password from Secrets Manager's GetRandomPassword, which has
// no resource; without it each CI plan fails with AccessDenied.
func TestDeployPolicyDrawsPasswords(t *testing.T) {
	for _, st := range DeployPolicy(scope).Statement {
		if st.Effect == "Allow" && slices.Contains(st.Action, "secretsmanager:GetRandomPassword") && slices.Contains(st.Resource, "*") {
			return
		}
	}
	t.Error("the deploy role may not call secretsmanager:GetRandomPassword")
}
