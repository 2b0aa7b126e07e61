package taskrun

import (
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/internal/harnesstest"
)

// emulator is the local AWS emulator with one secret and one parameter.
func emulator(t *testing.T) (awsAPI, string) {
	t.Helper()
	api := awsAPI{emulator: harnesstest.EmulatorT(t), region: "eu-west-1"}
	var secret struct{ ARN string }
	if err := api.call("secretsmanager", "secretsmanager.CreateSecret", map[string]string{
		"Name": "rds!db-1", "SecretString": `{"username":"admin","password":"pw","port":5432}`}, &secret); err != nil {
		t.Fatal(err)
	}
	if err := api.call("ssm", "AmazonSSM.PutParameter", map[string]any{"Name": "/shop/token", "Value": "t0k", "Type": "SecureString"}, &map[string]any{}); err != nil {
		t.Fatal(err)
	}
	return api, secret.ARN
}

func TestResolveSecret(t *testing.T) {
	api, arn := emulator(t)
	for _, c := range []struct{ valueFrom, want, err string }{
		{arn, `{"username":"admin","password":"pw","port":5432}`, ""},
		{arn + ":password::", "pw", ""},
		{arn + ":port::", "5432", ""},
		{arn + ":pass::", "", `has no JSON key "pass" (its keys: password, port, username)`},
		{arn + ":password", "", "ECS expects :<json-key>:<version-stage>:<version-id>"},
		{strings.Replace(arn, "rds!db-1", "gone", 1) + ":password::", "", "ResourceNotFoundException"},
		{"arn:aws:ssm:eu-west-1:123456789012:parameter/shop/token", "t0k", ""},
		{"/shop/token", "t0k", ""},
		{"/shop/none", "", "SSM parameter /shop/none: ParameterNotFound"},
		{"arn:aws:s3:::bucket", "", "neither a Secrets Manager secret ARN nor an SSM parameter"},
		{"arn:x", "", "neither a Secrets Manager secret ARN nor an SSM parameter"},
	} {
		got, err := api.resolveSecret(c.valueFrom)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q %v, want %q", c.valueFrom, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %v, want an error with %q", c.valueFrom, err, c.err)
		}
	}
}

func TestPlanReportsEveryProblemAtOnce(t *testing.T) {
	api, _ := emulator(t)
	r := &Runner{Emulator: api.emulator, Region: "eu-west-1", ECR: map[string]string{"1.dkr.ecr.eu-west-1.amazonaws.com": "127.0.0.1:5000"}}
	no := false
	td := &TaskDefinition{Family: "shop-api", NetworkMode: "bridge", CPU: "256", ContainerDefinitions: []Container{{
		Name: "api", Image: "docker.io/library/nginx:1", Essential: &no,
		Secrets:          []Secret{{Name: "PGPASSWORD", ValueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:x:password::"}},
		MountPoints:      []MountPoint{{SourceVolume: "scratch", ContainerPath: "/tmp"}},
		HealthCheck:      &HealthCheck{Command: []string{"curl", "x"}, Interval: 1, Timeout: 5, Retries: 3},
		LogConfiguration: &LogConfiguration{LogDriver: "json-file"},
	}}}
	_, problems := r.plan(td)
	got := strings.Join(problems, "\n")
	for _, want := range []string{
		`networkMode is "bridge"; Fargate runs only awsvpc`,
		"container api: image docker.io/library/nginx:1 is not in an ECR registry",
		"container api: secret PGPASSWORD: secret arn:aws:secretsmanager:eu-west-1:1:secret:x: ResourceNotFoundException",
		"container api: has no awslogs log configuration",
		`container api: mount point /tmp names volume "scratch", which the task does not define`,
		`container api: healthCheck.command ["curl" "x"] must start with CMD or CMD-SHELL`,
		"container api: healthCheck.interval is 1; ECS allows 5-300",
		"no container is essential",
		`memory is ""; Fargate needs a task-level memory`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
