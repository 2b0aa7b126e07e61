package verifyproduction

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// fakeECS runs one stable service with one deployment.
type fakeECS struct {
	state ecstypes.DeploymentRolloutState
	image string
}

func (f fakeECS) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{
		ServiceName: aws.String("notes-api"), Status: aws.String("ACTIVE"), RunningCount: 1, DesiredCount: 1,
		TaskDefinition: aws.String("td:1"),
		Deployments:    []ecstypes.Deployment{{Status: aws.String("PRIMARY"), RolloutState: f.state}},
	}}}, nil
}

func (f fakeECS) DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Image: aws.String(f.image)}},
	}}, nil
}

func TestServiceMustRunTheReleasesDigest(t *testing.T) {
	ctx := context.Background()
	good := fakeECS{ecstypes.DeploymentRolloutStateCompleted, "123.dkr.ecr/shop/api/notes-api@sha256:aa"}
	if err := checkService(ctx, io.Discard, good, "c", "notes-api", "sha256:aa"); err != nil {
		t.Errorf("the release's digest, rolled out: %v", err)
	}
	for name, f := range map[string]fakeECS{
		"another digest":   {ecstypes.DeploymentRolloutStateCompleted, "r@sha256:bb"},
		"a tag":            {ecstypes.DeploymentRolloutStateCompleted, "r:latest"},
		"a failed rollout": {ecstypes.DeploymentRolloutStateFailed, "r@sha256:aa"},
	} {
		err := checkService(ctx, io.Discard, f, "c", "notes-api", "sha256:aa")
		if err == nil || !strings.Contains(err.Error(), "did not move to the release's sha256:aa") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestURLChecks(t *testing.T) {
	codes := map[string]int{"/api/": 404, "/down/": 502, "/site/": 200, "/plain/": 200}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(codes[r.URL.Path])
		if r.URL.Path == "/site/" {
			_, _ = io.WriteString(w, "<!DOCTYPE html><title>notes</title>")
		}
	}))
	defer srv.Close()
	p := &prober{client: srv.Client(), tries: 2}
	ctx := context.Background()
	if err := p.checkService(ctx, io.Discard, srv.URL+"/api"); err != nil {
		t.Errorf("a 404 comes from the app: %v", err)
	}
	if err := p.checkService(ctx, io.Discard, srv.URL+"/down"); err == nil {
		t.Error("a 502 passed")
	}
	if err := p.checkSite(ctx, io.Discard, srv.URL+"/site"); err != nil {
		t.Errorf("an HTML index: %v", err)
	}
	if err := p.checkSite(ctx, io.Discard, srv.URL+"/plain"); err == nil {
		t.Error("a page without a doctype passed")
	}
}
