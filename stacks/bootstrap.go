package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ciidentity"
	"github.com/homecloud-dev/fullstack/constructs/cloud/statebackend"
	"github.com/homecloud-dev/fullstack/naming"
)

// BootstrapName is the stack deployed once, with admin credentials, before
// the cloud stack: remote state and the CI identity.
const BootstrapName = "cloud-bootstrap"

// Bootstrap is the one-time AWS stack.
type Bootstrap struct {
	cdktf.TerraformStack
	State *statebackend.Backend
	// CI is nil when cloud.github is not configured.
	CI *ciidentity.Identity
}

// NewBootstrap builds the bootstrap stack. Its own state stays local: it
// creates the bucket every other state lives in.
func NewBootstrap(scope constructs.Construct, id string, p *config.Project, opts Options) (*Bootstrap, error) {
	c := p.Cloud
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	localBackend(stack, id, opts.StateDir)
	if err := newAWSProvider(stack, p); err != nil {
		return nil, err
	}
	state, err := statebackend.New(stack, "state", statebackend.Props{
		Bucket:     p.BootstrapBucket(),
		LockTable:  p.BootstrapLockTable(),
		Disposable: c.Emulator.Enabled(),
		Emulator:   emulator(p.Cloud),
	})
	if err != nil {
		return nil, err
	}
	b := &Bootstrap{TerraformStack: stack, State: state}
	output(stack, "state_bucket", state.BucketName(), "Bucket for cloud.state_backend.bucket.")
	output(stack, "lock_table", state.LockTableName(), "Table for cloud.state_backend.lock_table.")
	if c.GitHub.Owner == "" {
		return b, nil
	}
	account, partition := accountAndPartition(stack)
	b.CI, err = ciidentity.New(stack, "ci", ciidentity.Props{
		Owner: c.GitHub.Owner, Repo: c.GitHub.Repo,
		Environment: c.GitHub.Environment, PromoteEnvironment: c.GitHub.ReleaseEnvironment,
		ExistingProviderARN: c.GitHub.OIDCProviderARN,
		RoleName:            naming.DeployRole(p.Name, c.Environment).Value,
		PromoteRoleName:     naming.PromoteRole(p.Name, c.Environment).Value,
		Scope: ciidentity.Scope{
			Partition: partition, Region: c.Region, Account: account,
			Project: p.Name, Cluster: naming.Cluster(p.Name, c.Environment).Value,
			StateBucket: p.BootstrapBucket(), LockTable: p.BootstrapLockTable(),
		},
	})
	if err != nil {
		return nil, err
	}
	output(stack, "deploy_role_arn", b.CI.Deploy.ARN(), "Role the production job assumes (AWS_DEPLOY_ROLE_ARN).")
	output(stack, "promote_role_arn", b.CI.Promote.ARN(), "Role the promote job assumes (AWS_PROMOTE_ROLE_ARN).")
	output(stack, "trusted_subjects", map[string]string{"deploy": b.CI.Deploy.Subject, "promote": b.CI.Promote.Subject}, "The one GitHub OIDC subject each role trusts.")
	return b, nil
}

// accountAndPartition are tokens for the current account id and partition.
func accountAndPartition(stack cdktf.TerraformStack) (account, partition string) {
	id := dataawscalleridentity.NewDataAwsCallerIdentity(stack, jsii.String("account"), nil)
	part := dataawspartition.NewDataAwsPartition(stack, jsii.String("partition"), nil)
	return *id.AccountId(), *part.Partition()
}

// deployRoleARN is the ARN of the bootstrap stack's deploy role, derived
// from its fixed name (the cloud stack does not read the other state).
func deployRoleARN(stack cdktf.TerraformStack, p *config.Project) string {
	account, partition := accountAndPartition(stack)
	return "arn:" + partition + ":iam::" + account + ":role/" + naming.DeployRole(p.Name, p.Cloud.Environment).Value
}
