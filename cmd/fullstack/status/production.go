package status

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/homecloud-dev/fullstack/awsclient"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
)

// readProduction reads which release production runs (the record the
// production job writes to the state bucket) and each service from ECS
// and its target group's health.
func readProduction(ctx context.Context, p *config.Project, r *Report) {
	e := &Environment{Name: p.Cloud.Environment}
	r.Production = e
	if store, err := release.NewOffsite(ctx, p); err != nil {
		r.Problems = append(r.Problems, err.Error())
	} else if running, err := store.Production(ctx); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("production's release record: %s", oneLine(err)))
	} else if running == nil {
		e.ReleaseNote = "no release recorded (the production job writes it after it deploys)"
	} else {
		e.Release = &ReleaseInfo{ID: running.Release, Commit: running.Commit, Time: running.Since}
		if running.Rollback {
			e.ReleaseNote = "put back by a rollback"
		}
	}
	cfg, region, err := awsclient.Config(ctx, p)
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return
	}
	endpoint := awsclient.BaseEndpoint(p)
	ecsClient := ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = endpoint })
	elbClient := elb.NewFromConfig(cfg, func(o *elb.Options) { o.BaseEndpoint = endpoint })
	cluster := naming.Cluster(p.Name, p.Cloud.Environment).Value
	var names []string
	for _, a := range p.Apps {
		if a.Kind != config.KindSite {
			names = append(names, a.Name)
		}
	}
	if len(names) == 0 {
		return
	}
	out, err := ecsClient.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: names})
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("ECS cluster %s in %s: %s", cluster, region, oneLine(err)))
		return
	}
	found := map[string]AppStatus{}
	for _, s := range out.Services {
		app := aws.ToString(s.ServiceName)
		st := AppStatus{App: app, Detail: fmt.Sprintf("%d/%d tasks", s.RunningCount, s.DesiredCount)}
		if len(s.Deployments) > 0 {
			d := s.Deployments[0] // the primary deployment comes first
			st.Since = aws.ToTime(d.CreatedAt)
			if d.RolloutState != "" {
				st.Detail += ", rollout " + strings.ToLower(string(d.RolloutState))
			}
		}
		st.Digest = taskDigest(ctx, ecsClient, aws.ToString(s.TaskDefinition))
		healthy, total, err := targetHealth(ctx, elbClient, naming.AppTargetGroup(p.Name, app).Value)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("target health of %s: %s", app, oneLine(err)))
		} else {
			st.Detail += fmt.Sprintf(", %d/%d targets healthy", healthy, total)
		}
		switch {
		case s.DesiredCount == 0 || s.RunningCount < s.DesiredCount:
			st.Health = "unhealthy"
		case err == nil && healthy < total:
			st.Health = "unhealthy"
		default:
			st.Health = "healthy"
		}
		found[app] = st
	}
	for _, name := range names {
		if st, ok := found[name]; ok {
			e.Apps = append(e.Apps, st)
		} else {
			e.Apps = append(e.Apps, AppStatus{App: name, Health: "missing", Detail: "no ECS service " + name + " in " + cluster})
		}
	}
}

// taskDigest is the digest the service's task definition runs ("" when it
// runs a tag).
func taskDigest(ctx context.Context, client *ecs.Client, taskDefinition string) string {
	out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(taskDefinition)})
	if err != nil || out.TaskDefinition == nil {
		return ""
	}
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		if _, digest, ok := strings.Cut(aws.ToString(c.Image), "@"); ok {
			return digest
		}
	}
	return ""
}

// targetHealth counts the healthy targets of a target group.
func targetHealth(ctx context.Context, client *elb.Client, name string) (healthy, total int, err error) {
	groups, err := client.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{name}})
	if err != nil {
		return 0, 0, err
	}
	if len(groups.TargetGroups) == 0 {
		return 0, 0, fmt.Errorf("no target group %s", name)
	}
	out, err := client.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: groups.TargetGroups[0].TargetGroupArn})
	if err != nil {
		return 0, 0, err
	}
	for _, t := range out.TargetHealthDescriptions {
		total++
		if t.TargetHealth != nil && t.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			healthy++
		}
	}
	return healthy, total, nil
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
