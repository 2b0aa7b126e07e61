package ecscluster

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
)

// ExecutionRole is the role ECS uses to start tasks: pull the image, create
// the log stream, fetch secrets. It is not the role the app runs as.
type ExecutionRole struct {
	Role   iamrole.IamRole
	Policy iamrolepolicy.IamRolePolicy
}

const (
	idExecutionRole   = "execution-role"
	idExecutionPolicy = "execution-policy"
)

type executionGrants struct {
	repositories, logGroups, secrets []string
	// key is the customer-managed key the secrets are encrypted with.
	key string
}

// executionPolicy grants exactly what starting a task needs, on this
// project's resources only. The AWS-managed AmazonECSTaskExecutionRolePolicy
// is not used: it allows pulling from every repository in the account.
func executionPolicy(g executionGrants) iampolicy.Document {
	// GetAuthorizationToken has no resource-level permissions.
	statements := []iampolicy.Statement{
		iampolicy.Allow("RegistryLogin", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
	}
	if len(g.repositories) > 0 {
		statements = append(statements, iampolicy.Allow("PullProjectImages",
			[]string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
			g.repositories))
	}
	if len(g.logGroups) > 0 {
		streams := make([]string, len(g.logGroups))
		for i, arn := range g.logGroups {
			streams[i] = arn + ":log-stream:*"
		}
		statements = append(statements, iampolicy.Allow("WriteProjectLogs",
			[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, streams))
	}
	if len(g.secrets) > 0 {
		statements = append(statements, iampolicy.Allow("ReadGivenSecrets",
			[]string{"secretsmanager:GetSecretValue"}, g.secrets))
		if g.key != "" {
			statements = append(statements, iampolicy.Allow("DecryptGivenSecrets", []string{"kms:Decrypt"}, []string{g.key}))
		}
	}
	return iampolicy.New(statements...)
}

func newExecutionRole(c constructs.Construct, name string, g executionGrants) *ExecutionRole {
	role := iamrole.NewIamRole(c, jsii.String(idExecutionRole), &iamrole.IamRoleConfig{
		Name:             jsii.String(name),
		AssumeRolePolicy: jsii.String(iampolicy.ServiceTrust("ecs-tasks.amazonaws.com").JSON()),
	})
	policy := iamrolepolicy.NewIamRolePolicy(c, jsii.String(idExecutionPolicy), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   jsii.String("start-tasks"),
		Policy: jsii.String(executionPolicy(g).JSON()),
	})
	return &ExecutionRole{Role: role, Policy: policy}
}

// ARN is the role ARN token.
func (e *ExecutionRole) ARN() *string { return e.Role.Arn() }
