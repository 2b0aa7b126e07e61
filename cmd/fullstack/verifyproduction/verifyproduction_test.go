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
	// A service the release does not name runs a tag: "" must not match
	// the tag's empty digest.
	tagged := fakeECS{ecstypes.DeploymentRolloutStateCompleted, "r:latest"}
	err := checkService(ctx, io.Discard, tagged, "c", "extra", "")
	if err == nil || !strings.Contains(err.Error(), "the release names no image for extra") {
		t.Errorf("a service outside the release: %v", err)
	}
}

func TestURLChecks(t *testing.T) {
	codes := map[string]int{"/api/": 404, "/down/": 502, "/site/": 200, "/plain/": 200, "/moved/": 301, "/late/": 404}
	asked := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked[r.URL.Path]++
		if r.URL.Path == "/late/" && asked["/late/"] > 1 {
			r.URL.Path = "/site/" // the site's files arrived
		}
		if r.URL.Path == "/moved/" {
			w.Header().Set("Location", "/site/")
		}
		w.WriteHeader(codes[r.URL.Path])
		if r.URL.Path == "/site/" {
			_, _ = io.WriteString(w, "<!DOCTYPE html><title>notes</title>")
		}
	}))
	defer srv.Close()
	p := newProber()
	p.client.Transport = srv.Client().Transport
	p.tries, p.delay = 2, 0
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
	if err := p.checkSite(ctx, io.Discard, srv.URL+"/late"); err != nil {
		t.Errorf("a site answering 404 once, then its index: %v", err)
	}
	if err := p.checkService(ctx, io.Discard, srv.URL+"/moved"); err != nil || asked["/site/"] != 1 {
		t.Errorf("a redirect is the answer, not its target: %v, the target asked %d times", err, asked["/site/"])
	}
}
