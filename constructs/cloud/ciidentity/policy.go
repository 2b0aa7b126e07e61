package ciidentity

import "github.com/homecloud-dev/fullstack/constructs/iampolicy"

// Scope is what the deploy role's permissions are limited to. Values may
// be cdktf tokens.
type Scope struct {
	Partition, Region, Account string
	// Project is the project name: the prefix of every resource name and
	// the value of the "project" tag on every resource.
	Project string
	// Cluster is the ECS cluster name.
	Cluster string
	// StateBucket and LockTable hold Terraform state.
	StateBucket, LockTable string
}

func (s Scope) arn(service, resource string) string {
	return "arn:" + s.Partition + ":" + service + ":" + s.Region + ":" + s.Account + ":" + resource
}

// inRegion is arn for another region (CloudFront's alarms and their
// topic live in us-east-1).
func (s Scope) inRegion(region, service, resource string) string {
	return "arn:" + s.Partition + ":" + service + ":" + region + ":" + s.Account + ":" + resource
}

func (s Scope) globalARN(service, resource string) string {
	return "arn:" + s.Partition + ":" + service + "::" + s.Account + ":" + resource
}

// ciRoleWrites change a role: denied on the CI roles to the deploy role.
var ciRoleWrites = []string{
	"iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
	"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:TagRole", "iam:UntagRole",
}

// PushActions write images and tags: only the promote role has them
// (BatchDeleteImage moves the "running" tag, release.MarkRunning).
var PushActions = []string{
	"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
	"ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchDeleteImage",
}

// PullActions read images and their signatures (cosign's sha256-*.sig
// images): both roles verify a release's signatures in ECR.
var PullActions = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages", "ecr:ListImages"}

// PromotePolicy is what `fullstack promote` needs: copy a release's images and
// their signatures into the project's repositories, and nothing else (no
// Terraform state, no infrastructure).
func PromotePolicy(s Scope) iampolicy.Document {
	repos := []string{s.arn("ecr", "repository/"+s.Project+"/*")}
	prefix := s.Project + "/releases/"
	return iampolicy.New(
		// AWS offers no resource-level permission for the token.
		iampolicy.Allow("RegistryToken", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
		iampolicy.Allow("PullProjectImages", PullActions, repos),
		iampolicy.Allow("PushProjectImages", PushActions, repos),
		// The signed manifests, kept off the home server (release.Offsite).
		iampolicy.Allow("KeepReleases", []string{"s3:GetObject", "s3:PutObject"},
			[]string{"arn:" + s.Partition + ":s3:::" + s.StateBucket + "/" + prefix + "*"}),
		withCond(iampolicy.Allow("ListReleases", []string{"s3:ListBucket"}, []string{"arn:" + s.Partition + ":s3:::" + s.StateBucket}),
			map[string]map[string]any{"StringLike": {"s3:prefix": prefix + "*"}}),
	)
}

func withCond(st iampolicy.Statement, c map[string]map[string]any) iampolicy.Statement {
	st.Condition = c
	return st
}

// DeployPolicy is what `cdktf deploy cloud` and the deploy workflow need,
// limited to this project. Three mechanisms do the limiting:
//   - resource ARNs with the project prefix where AWS names are ours (state,
//     ECR, IAM roles, log groups, ECS services, buckets);
//   - the "project" tag (every resource gets it from the provider's
//     default_tags) for resources with generated ids (VPC parts, load
//     balancers, RDS, CloudFront): creating requires the tag in the
//     request, changing requires it on the resource;
//   - Resource "*" only for read-only calls and the few actions AWS does not
//     scope (ecr:GetAuthorizationToken, ecs task-definition registration).
//
// No statement allows "*" or "<service>:*" actions.
func DeployPolicy(s Scope) iampolicy.Document {
	taggedCreate := map[string]map[string]any{"StringEquals": {"aws:RequestTag/project": s.Project}}
	taggedResource := map[string]map[string]any{"StringEquals": {"aws:ResourceTag/project": s.Project}}
	prefix := s.Project + "-"
	return iampolicy.New(
		iampolicy.Allow("TerraformStateList", []string{"s3:ListBucket"},
			[]string{"arn:" + s.Partition + ":s3:::" + s.StateBucket}),
		iampolicy.Allow("TerraformStateObjects", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
			[]string{"arn:" + s.Partition + ":s3:::" + s.StateBucket + "/" + s.Project + "/*"}),
		iampolicy.Allow("TerraformLock", []string{"dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"},
			[]string{s.arn("dynamodb", "table/"+s.LockTable)}),

		iampolicy.Allow("ReadOnlyUnscoped", []string{
			"ec2:Describe*", "ecs:Describe*", "ecs:List*", "elasticloadbalancing:Describe*",
			"rds:Describe*", "rds:ListTagsForResource", "logs:Describe*", "logs:ListTagsForResource",
			"application-autoscaling:Describe*", "cloudfront:Get*", "cloudfront:List*",
			"acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:GetOpenIDConnectProvider", "sts:GetCallerIdentity",
			"secretsmanager:DescribeSecret", "ecr:DescribeRepositories",
			"ec2:GetManagedPrefixListEntries", "wafv2:Get*", "wafv2:List*", "kms:Describe*", "kms:Get*", "kms:List*",
			"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource",
			"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource",
			"events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource",
		}, []string{"*"}),
		// AWS offers no resource-level permission for these.
		iampolicy.Allow("UnscopableByAWS", []string{
			"ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
			// The app role's password is drawn by Secrets Manager
			// (appdatabase), read on every plan.
			"secretsmanager:GetRandomPassword",
		}, []string{"*"}),

		// The production job verifies each image's cosign signature in ECR
		// before it deploys (a signature is an image beside the app's), and
		// the Flyway runner checks the image exists. No push: promotion is
		// the promote role's (PromotePolicy).
		iampolicy.Allow("PullProjectImages", PullActions, []string{s.arn("ecr", "repository/"+s.Project+"/*")}),
		iampolicy.Allow("ProjectRepositories", []string{
			"ecr:CreateRepository", "ecr:DeleteRepository",
			"ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
			"ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability",
			"ecr:TagResource", "ecr:UntagResource", "ecr:ListTagsForResource",
		}, []string{s.arn("ecr", "repository/"+s.Project+"/*")}),

		iampolicy.Allow("ProjectCluster", []string{
			"ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:PutClusterCapacityProviders",
			"ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:RunTask", "ecs:StopTask",
			"ecs:TagResource", "ecs:UntagResource",
		}, []string{
			s.arn("ecs", "cluster/"+s.Cluster),
			s.arn("ecs", "service/"+s.Cluster+"/*"),
			s.arn("ecs", "task/"+s.Cluster+"/*"),
			s.arn("ecs", "task-definition/"+prefix+"*:*"),
		}),

		iampolicy.Allow("ProjectRoles", []string{
			"iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
			"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:TagRole", "iam:UntagRole",
			"iam:ListInstanceProfilesForRole",
		}, []string{s.globalARN("iam", "role/"+prefix+"*")}),
		// The roles above include the CI roles themselves (same prefix): an
		// explicit deny keeps a deploy from widening its own or the promote
		// role's trust or rights.
		iampolicy.Statement{Sid: "NeverChangeTheCIRoles", Effect: "Deny", Action: ciRoleWrites, Resource: []string{
			s.globalARN("iam", "role/"+prefix+"*-deploy"), s.globalARN("iam", "role/"+prefix+"*-promote"),
		}},
		withCond(iampolicy.Allow("PassProjectRolesToTasks", []string{"iam:PassRole"},
			[]string{s.globalARN("iam", "role/"+prefix+"*")}),
			map[string]map[string]any{"StringEquals": {"iam:PassedToService": []string{"ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"}}}),

		iampolicy.Allow("ProjectLogs", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
			"logs:TagResource", "logs:UntagResource", "logs:TagLogGroup",
			"logs:AssociateKmsKey", "logs:DisassociateKmsKey",
		}, []string{s.arn("logs", "log-group:/"+s.Project+"/*"), s.arn("logs", "log-group:/"+prefix+"*")}),

		// Aliases carry no tags; their names carry the project.
		iampolicy.Allow("ProjectKeyAliases", []string{"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"},
			[]string{s.arn("kms", "alias/"+prefix+"*"), s.inRegion("us-east-1", "kms", "alias/"+prefix+"*")}),

		// The alerting (constructs/cloud/alarms): names carry the project,
		// in the stack's region and in us-east-1 (CloudFront's metrics).
		iampolicy.Allow("ProjectAlarms", []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource",
		}, []string{s.arn("cloudwatch", "alarm:"+prefix+"*"), s.inRegion("us-east-1", "cloudwatch", "alarm:"+prefix+"*")}),
		iampolicy.Allow("ProjectDashboards", []string{"cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard"},
			[]string{s.globalARN("cloudwatch", "dashboard/"+prefix+"*")}),
		iampolicy.Allow("ProjectAlertTopics", []string{
			"sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe",
			"sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource",
		}, []string{s.arn("sns", prefix+"*"), s.inRegion("us-east-1", "sns", prefix+"*")}),
		iampolicy.Allow("ProjectEventRules", []string{
			"events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets",
			"events:TagResource", "events:UntagResource",
		}, []string{s.arn("events", "rule/"+prefix+"*")}),

		iampolicy.Allow("ProjectSecrets", []string{
			"secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret",
			"secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:GetResourcePolicy",
			"secretsmanager:TagResource", "secretsmanager:UntagResource",
		}, []string{s.arn("secretsmanager", "secret:"+s.Project+"/*")}),

		iampolicy.Allow("ProjectBuckets", []string{
			"s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:Get*", "s3:Put*", "s3:DeleteObject",
		}, []string{"arn:" + s.Partition + ":s3:::" + prefix + "*"}),

		withCond(iampolicy.Allow("CreateTaggedInfrastructure", []string{
			"ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:CreateRouteTable",
			"ec2:CreateSecurityGroup", "ec2:AllocateAddress", "ec2:CreateNatGateway", "ec2:CreateFlowLogs",
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule",
			"rds:CreateDBInstance", "rds:CreateDBSubnetGroup", "rds:CreateDBParameterGroup",
			"cloudfront:CreateDistribution", "cloudfront:CreateDistributionWithTags",
			"application-autoscaling:RegisterScalableTarget",
			"ec2:CreateVpcEndpoint", "wafv2:CreateWebACL", "kms:CreateKey",
		}, []string{"*"}), taggedCreate),
		withCond(iampolicy.Allow("TagOnCreate", []string{"ec2:CreateTags", "elasticloadbalancing:AddTags", "rds:AddTagsToResource", "wafv2:TagResource", "kms:TagResource"},
			[]string{"*"}), taggedCreate),
		withCond(iampolicy.Allow("ChangeTaggedInfrastructure", []string{
			"ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
			"ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
			"ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:AssociateRouteTable",
			"ec2:DisassociateRouteTable", "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup",
			"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
			"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
			"ec2:ReleaseAddress", "ec2:DeleteNatGateway", "ec2:DeleteFlowLogs",
			"ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateNatGateway",
			"ec2:CreateFlowLogs", "ec2:CreateTags", "ec2:DeleteTags",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
			"elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
			"elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
			"rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance",
			"rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup",
			"rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup",
			"rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:CreateDBSnapshot",
			"cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution", "cloudfront:CreateInvalidation",
			"cloudfront:TagResource", "cloudfront:UntagResource",
			"application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
			"application-autoscaling:DeregisterScalableTarget",
			"ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints",
			"wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
			"wafv2:TagResource", "wafv2:UntagResource", "elasticloadbalancing:SetWebACL",
			"kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:UpdateKeyDescription",
			"kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:DeleteAlias",
			"kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt",
		}, []string{"*"}), taggedResource),
	)
}
