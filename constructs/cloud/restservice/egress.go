package restservice

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygrouprule"
)

const idEgressSG = "egress-sg"

// newEgressGroup is the app's own security group holding the outbound
// rules it declared; nil when it declared none. Keeping them out of the
// shared services group keeps one app's exception from every other app.
func newEgressGroup(c constructs.Construct, props Props) securitygroup.SecurityGroup {
	if len(props.Egress) == 0 {
		return nil
	}
	name := props.Project + "-" + props.App + "-egress"
	sg := securitygroup.NewSecurityGroup(c, jsii.String(idEgressSG), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(name),
		Description: jsii.String("Outbound rules declared by app " + props.App),
		VpcId:       props.Network.VPCID(),
		Tags:        &map[string]*string{"Name": jsii.String(name), "app": jsii.String(props.App)},
	})
	for i, e := range props.Egress {
		securitygrouprule.NewSecurityGroupRule(c, jsii.String(fmt.Sprintf("%s-out-%d", idEgressSG, i)), &securitygrouprule.SecurityGroupRuleConfig{
			SecurityGroupId: sg.Id(), Type: jsii.String("egress"), Protocol: jsii.String(e.Protocol),
			FromPort: jsii.Number(float64(e.Port)), ToPort: jsii.Number(float64(e.Port)),
			CidrBlocks:  jsii.Strings(e.To),
			Description: jsii.String(fmt.Sprintf("%s %d to %s (apps[].egress)", e.Protocol, e.Port, e.To)),
		})
	}
	return sg
}
