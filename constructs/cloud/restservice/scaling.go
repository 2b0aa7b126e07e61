package restservice

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
)

// newScaling adds target-tracking autoscaling on the service's average
// CPU between Size.MinCount and Size.MaxCount.
func newScaling(c constructs.Construct, s *Service, props Props) {
	resourceID := "service/" + *props.Cluster.Name() + "/" + *s.Service.Name()
	s.ScalingTarget = appautoscalingtarget.NewAppautoscalingTarget(c, jsii.String(idScalingTarget), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  jsii.String("ecs"),
		ResourceId:        jsii.String(resourceID),
		ScalableDimension: jsii.String("ecs:service:DesiredCount"),
		MinCapacity:       jsii.Number(float64(props.Size.MinCount)),
		MaxCapacity:       jsii.Number(float64(props.Size.MaxCount)),
		Tags:              &map[string]*string{"app": jsii.String(props.App)},
	})
	s.ScalingPolicy = appautoscalingpolicy.NewAppautoscalingPolicy(c, jsii.String(idScalingPolicy), &appautoscalingpolicy.AppautoscalingPolicyConfig{
		Name:              jsii.String(props.Project + "-" + props.App + "-cpu"),
		PolicyType:        jsii.String("TargetTrackingScaling"),
		ServiceNamespace:  s.ScalingTarget.ServiceNamespace(),
		ResourceId:        s.ScalingTarget.ResourceId(),
		ScalableDimension: s.ScalingTarget.ScalableDimension(),
		TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
			TargetValue: jsii.Number(CPUTarget),
			PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: jsii.String("ECSServiceAverageCPUUtilization"),
			},
			ScaleInCooldown:  jsii.Number(300),
			ScaleOutCooldown: jsii.Number(60),
		},
	})
}
