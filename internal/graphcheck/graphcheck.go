// Package graphcheck checks a synthesized stack (cdk.tf.json) for what
// the emulator applies without complaint and AWS refuses at run time: an
// ECS task whose execution role cannot read the secrets it injects, or
// whose awslogs group does not exist or cannot be written. IAM is stored
// but never enforced by the emulator, so this is the only check of it
// before production. It also checks that every task's container is locked
// down (TaskHardening), which nothing on AWS refuses, that alarms watch
// what exists (AlarmWiring) and that AWS Backup may do what its plan asks
// (BackupWiring). internal/synth.Read runs them on every stack the tests
// read back: projects, library constructs and the examples.
package graphcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// executionRolePolicy is the AWS-managed policy that lets an execution
// role pull from ECR and write to any log group (not read secrets).
const executionRolePolicy = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

var (
	roleRef   = regexp.MustCompile(`^\$\{aws_iam_role\.([^.}]+)\.(arn|id|name)\}$`)
	policyRef = regexp.MustCompile(`^\$\{aws_iam_policy\.([^.}]+)\.arn\}$`)
)

// statement is one IAM policy statement, Action and Resource as lists.
type statement struct {
	Effect   string
	Action   []string
	Resource []string
}

// TaskWiring checks every aws_ecs_task_definition of the stack: each
// secret a container takes (secrets[].valueFrom) is allowed
// secretsmanager:GetSecretValue (ssm:GetParameters for a parameter) by the
// task's execution role, and each awslogs group is a log group of this
// stack that the role may write to. Every problem is reported.
func TaskWiring(stack []byte) error { return eachTaskDefinition(stack, checkTask) }

// eachTaskDefinition runs check on every aws_ecs_task_definition of the
// stack, by id, and joins what it reports.
func eachTaskDefinition(stack []byte, check func(res map[string]map[string]map[string]any, id string) []error) error {
	res, err := resources(stack)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range sortedIDs(res["aws_ecs_task_definition"]) {
		errs = append(errs, check(res, id)...)
	}
	return errors.Join(errs...)
}

// resources are a synthesized stack's resources: by type, then by id.
func resources(stack []byte) (map[string]map[string]map[string]any, error) {
	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	err := json.Unmarshal(stack, &doc)
	return doc.Resource, err
}

func checkTask(res map[string]map[string]map[string]any, id string) []error {
	td := res["aws_ecs_task_definition"][id]
	where := "aws_ecs_task_definition." + id
	m := roleRef.FindStringSubmatch(fmt.Sprint(td["execution_role_arn"]))
	if m == nil {
		return []error{fmt.Errorf("%s: execution_role_arn %v is not a role of this stack: its grants cannot be checked", where, td["execution_role_arn"])}
	}
	role := m[1]
	stmts, managed := rolePolicies(res, role)
	var containers []struct {
		Name    string
		Secrets []struct{ Name, ValueFrom string }
		Log     *struct {
			LogDriver string
			Options   map[string]string
		} `json:"logConfiguration"`
	}
	if err := json.Unmarshal([]byte(fmt.Sprint(td["container_definitions"])), &containers); err != nil {
		return []error{fmt.Errorf("%s: container_definitions: %w", where, err)}
	}
	var errs []error
	for _, c := range containers {
		for _, s := range c.Secrets {
			action, arn := secretAccess(s.ValueFrom)
			if !allowed(stmts, action, arn) {
				errs = append(errs, fmt.Errorf("%s: container %s takes secret %s from %s, but its execution role aws_iam_role.%s is not allowed %s on it: ECS cannot start the task (grant it, e.g. ecscluster.Props.SecretARNs)",
					where, c.Name, s.Name, arn, role, action))
			}
		}
		if c.Log == nil || c.Log.LogDriver != "awslogs" {
			continue
		}
		group := c.Log.Options["awslogs-group"]
		groupID := logGroup(res, group)
		if groupID == "" {
			errs = append(errs, fmt.Errorf("%s: container %s logs to %q, which is no log group of this stack: ECS cannot start the task (add it, e.g. to ecscluster.Props.Logs)", where, c.Name, group))
			continue
		}
		if managed {
			continue
		}
		streams := "${aws_cloudwatch_log_group." + groupID + ".arn}:log-stream:*"
		if !allowed(stmts, "logs:PutLogEvents", streams) || !allowed(stmts, "logs:CreateLogStream", streams) {
			errs = append(errs, fmt.Errorf("%s: container %s logs to %q, but its execution role aws_iam_role.%s may not write its streams", where, c.Name, group, role))
		}
	}
	return errs
}

// secretAccess is the action a valueFrom needs and the secret or
// parameter it names (without a Secrets Manager JSON key).
func secretAccess(valueFrom string) (string, string) {
	action := "secretsmanager:GetSecretValue"
	if strings.Contains(valueFrom, ":ssm:") || strings.Contains(valueFrom, "aws_ssm_parameter.") {
		return "ssm:GetParameters", valueFrom
	}
	if end := strings.Index(valueFrom, "}"); strings.HasPrefix(valueFrom, "${") && end > 0 {
		return action, valueFrom[:end+1] // ${...secret_arn}:username:: → the secret
	}
	if parts := strings.Split(valueFrom, ":"); len(parts) > 7 {
		return action, strings.Join(parts[:7], ":")
	}
	return action, valueFrom
}

// rolePolicies are the statements of role's inline policies and of the
// customer policies attached to it, and whether AWS's execution role
// policy is attached.
func rolePolicies(res map[string]map[string]map[string]any, role string) ([]statement, bool) {
	var out []statement
	managed := false
	isRole := func(v any) bool {
		m := roleRef.FindStringSubmatch(fmt.Sprint(v))
		return m != nil && m[1] == role
	}
	for _, p := range res["aws_iam_role_policy"] {
		if isRole(p["role"]) {
			out = append(out, statements(p["policy"])...)
		}
	}
	for _, inline := range asList(res["aws_iam_role"][role]["inline_policy"]) {
		out = append(out, statements(inline.(map[string]any)["policy"])...)
	}
	for _, a := range res["aws_iam_role_policy_attachment"] {
		if !isRole(a["role"]) {
			continue
		}
		arn := fmt.Sprint(a["policy_arn"])
		if arn == executionRolePolicy {
			managed = true
		}
		if m := policyRef.FindStringSubmatch(arn); m != nil {
			out = append(out, statements(res["aws_iam_policy"][m[1]]["policy"])...)
		}
	}
	return out, managed
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// statements reads a policy document (a JSON string) into statements.
func statements(policy any) []statement {
	var doc struct{ Statement []map[string]any }
	if json.Unmarshal([]byte(fmt.Sprint(policy)), &doc) != nil {
		return nil
	}
	var out []statement
	for _, s := range doc.Statement {
		out = append(out, statement{Effect: fmt.Sprint(s["Effect"]), Action: strs(s["Action"]), Resource: strs(s["Resource"])})
	}
	return out
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// allowed: an Allow statement names action (or a wildcard of it) on
// resource (the same token or ARN, or a wildcard pattern matching it).
func allowed(stmts []statement, action, resource string) bool {
	for _, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		// IAM compares actions without regard to case, resources with it.
		if !slices.ContainsFunc(s.Action, func(a string) bool { return glob(strings.ToLower(a), strings.ToLower(action)) }) {
			continue
		}
		if slices.ContainsFunc(s.Resource, func(r string) bool { return glob(r, resource) }) {
			return true
		}
	}
	return false
}

// glob matches an IAM pattern, whose * spans any characters ("/"
// included), against a value.
func glob(pattern, value string) bool {
	if pattern == value || pattern == "*" {
		return true
	}
	if !strings.Contains(pattern, "*") {
		return false
	}
	// Only * (and IAM's ?) are special: a token's [0] is literal.
	literal := strings.NewReplacer("\\", "\\\\", "[", "\\[", "]", "\\]", "/", "\x00").Replace(pattern)
	ok, _ := path.Match(literal, strings.ReplaceAll(value, "/", "\x00"))
	return ok
}

// logGroup is the id of the stack's log group named name ("" if none).
func logGroup(res map[string]map[string]map[string]any, name string) string {
	for id, g := range res["aws_cloudwatch_log_group"] {
		if g["name"] == name {
			return id
		}
	}
	return ""
}
