package graphcheck

import (
	"strings"
	"testing"
)

// stack is a task definition with one secret and one log group, its
// execution role granted policy.
func stack(policy, logGroup string) []byte {
	containers := `[{\"name\":\"api\",\"secrets\":[{\"name\":\"PGPASSWORD\",\"valueFrom\":\"${aws_db_instance.db.master_user_secret[0].secret_arn}:password::\"}],` +
		`\"logConfiguration\":{\"logDriver\":\"awslogs\",\"options\":{\"awslogs-group\":\"` + logGroup + `\"}}}]`
	return []byte(`{"resource":{
  "aws_ecs_task_definition":{"api":{"execution_role_arn":"${aws_iam_role.exec.arn}","container_definitions":"` + containers + `"}},
  "aws_iam_role":{"exec":{"name":"x"}},
  "aws_iam_role_policy":{"p":{"role":"${aws_iam_role.exec.id}","policy":"` + strings.ReplaceAll(policy, `"`, `\"`) + `"}},
  "aws_cloudwatch_log_group":{"logs":{"name":"/shop/api"}}
}}`)
}

const (
	readsSecret = `{"Sid":"S","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":["${aws_db_instance.db.master_user_secret[0].secret_arn}"]}`
	writesLogs  = `{"Sid":"L","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["${aws_cloudwatch_log_group.logs.arn}:log-stream:*"]}`
)

func policy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

func TestTaskWiring(t *testing.T) {
	for _, c := range []struct {
		name, policy, group string
		want                []string
	}{
		{"wired", policy(readsSecret, writesLogs), "/shop/api", nil},
		{"wildcard grants", policy(`{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}`, `{"Effect":"Allow","Action":["logs:*"],"Resource":["*"]}`), "/shop/api", nil},
		{"secret not granted", policy(writesLogs), "/shop/api", []string{
			"aws_ecs_task_definition.api: container api takes secret PGPASSWORD from ${aws_db_instance.db.master_user_secret[0].secret_arn}, but its execution role aws_iam_role.exec is not allowed secretsmanager:GetSecretValue on it"}},
		{"denied is not granted", policy(strings.Replace(readsSecret, "Allow", "Deny", 1), writesLogs), "/shop/api", []string{"is not allowed secretsmanager:GetSecretValue"}},
		{"another secret granted", policy(strings.Replace(readsSecret, "aws_db_instance.db.", "aws_db_instance.other.", 1), writesLogs), "/shop/api", []string{"is not allowed"}},
		{"missing log group", policy(readsSecret, writesLogs), "/shop/flyway", []string{
			`container api logs to "/shop/flyway", which is no log group of this stack`}},
		{"log group not writable", policy(readsSecret), "/shop/api", []string{"may not write its streams"}},
	} {
		err := TaskWiring(stack(c.policy, c.group))
		expectErrors(t, c.name, err, c.want)
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           bool
	}{
		{"*", "anything", true},
		{"arn:aws:secretsmanager:eu-west-1:1:secret:shop/*", "arn:aws:secretsmanager:eu-west-1:1:secret:shop/orders-AbC", true},
		{"arn:aws:secretsmanager:eu-west-1:1:secret:shop/*", "arn:aws:secretsmanager:eu-west-1:1:secret:other", false},
		{"${aws_db_instance.db.master_user_secret[0].secret_arn}*", "${aws_db_instance.db.master_user_secret[0].secret_arn}", true},
		{"${x.arn}:log-stream:*", "${x.arn}:log-stream:*", true},
		{"exact", "other", false},
	} {
		if got := glob(c.pattern, c.value); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.pattern, c.value, got, c.want)
		}
	}
}

// expectErrors checks that err holds each of want, or is nil without any.
func expectErrors(t *testing.T, name string, err error, want []string) {
	t.Helper()
	if len(want) == 0 && err != nil {
		t.Errorf("%s: %v", name, err)
	}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v, want %q", name, err, w)
		}
	}
}
