package verifyproduction

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// stableWait is how long a service may take to become stable, asked every
// stablePoll at most: the AWS CLI's `ecs wait services-stable` (40 tries,
// 15 s apart).
const (
	stableWait = 10 * time.Minute
	stablePoll = 15 * time.Second
)

// ecsAPI is what the check asks ECS.
type ecsAPI interface {
	ecs.DescribeServicesAPIClient
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// checkService waits for service svc to be stable, then fails unless its
// primary deployment completed its rollout and runs digest want.
func checkService(ctx context.Context, stdout io.Writer, client ecsAPI, cluster, svc, want string) error {
	if want == "" {
		return fmt.Errorf("the release names no image for %s: production runs a service the release does not hold", svc)
	}
	in := &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{svc}}
	waiter := ecs.NewServicesStableWaiter(client, func(o *ecs.ServicesStableWaiterOptions) { o.MaxDelay = stablePoll })
	if err := waiter.Wait(ctx, in, stableWait); err != nil {
		return fmt.Errorf("%s: %w", svc, err)
	}
	out, err := client.DescribeServices(ctx, in)
	if err != nil {
		return fmt.Errorf("%s: %w", svc, err)
	}
	if len(out.Services) == 0 {
		return fmt.Errorf("no ECS service %s in %s", svc, cluster)
	}
	s := out.Services[0]
	state := "None"
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			state = string(d.RolloutState)
		}
	}
	image, err := firstImage(ctx, client, aws.ToString(s.TaskDefinition))
	if err != nil {
		return fmt.Errorf("%s: %w", svc, err)
	}
	fmt.Fprintf(stdout, "%s: %s, running %s\n", svc, state, image)
	_, digest, _ := strings.Cut(image, "@")
	if state != string(ecstypes.DeploymentRolloutStateCompleted) || digest != want {
		return fmt.Errorf("%s did not move to the release's %s (rolled back by the circuit breaker?)", svc, want)
	}
	return nil
}

// firstImage is the image of the task definition's first container.
func firstImage(ctx context.Context, client ecsAPI, taskDefinition string) (string, error) {
	out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(taskDefinition)})
	if err != nil {
		return "", err
	}
	if out.TaskDefinition == nil || len(out.TaskDefinition.ContainerDefinitions) == 0 {
		return "", fmt.Errorf("task definition %s has no container", taskDefinition)
	}
	return aws.ToString(out.TaskDefinition.ContainerDefinitions[0].Image), nil
}
