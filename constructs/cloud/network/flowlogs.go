package network

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/homecloud-dev/fullstack/constructs/iampolicy"
)

// FlowLogs are VPC flow logs delivered to a CloudWatch log group.
type FlowLogs struct {
	LogGroup cloudwatchloggroup.CloudwatchLogGroup
	Role     iamrole.IamRole
	FlowLog  flowlog.FlowLog
}

const (
	idFlowLogGroup  = "flow-log-group"
	idFlowLogRole   = "flow-log-role"
	idFlowLogPolicy = "flow-log-policy"
	idFlowLog       = "flow-log"
)

func newFlowLogs(c constructs.Construct, vpcID *string, props Props) *FlowLogs {
	f := &FlowLogs{}
	f.LogGroup = cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String(idFlowLogGroup), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String("/" + props.Name + "/vpc-flow-logs"),
		RetentionInDays: jsii.Number(float64(props.FlowLogRetentionDays)),
	})
	if props.KMSKeyARN != "" {
		f.LogGroup.SetKmsKeyId(jsii.String(props.KMSKeyARN))
	}
	f.Role = iamrole.NewIamRole(c, jsii.String(idFlowLogRole), &iamrole.IamRoleConfig{
		Name:             jsii.String(props.Name + "-flow-logs"),
		AssumeRolePolicy: jsii.String(iampolicy.ServiceTrust("vpc-flow-logs.amazonaws.com").JSON()),
	})
	// Write only to its own log group.
	iamrolepolicy.NewIamRolePolicy(c, jsii.String(idFlowLogPolicy), &iamrolepolicy.IamRolePolicyConfig{
		Role: f.Role.Id(),
		Name: jsii.String("write-flow-logs"),
		Policy: jsii.String(iampolicy.New(iampolicy.Allow("WriteFlowLogs",
			[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			[]string{*f.LogGroup.Arn(), *f.LogGroup.Arn() + ":*"})).JSON()),
	})
	f.FlowLog = flowlog.NewFlowLog(c, jsii.String(idFlowLog), &flowlog.FlowLogConfig{
		VpcId:              vpcID,
		TrafficType:        jsii.String("ALL"),
		LogDestinationType: jsii.String("cloud-watch-logs"),
		LogDestination:     f.LogGroup.Arn(),
		IamRoleArn:         f.Role.Arn(),
		Tags:               nameTag(props.Name + "-flow-logs"),
	})
	return f
}
