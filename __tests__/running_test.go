package tests

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
)

// TestRunningTagMovesInECR moves the running tag through ECR's API (the
// emulator's) in a repository with immutable tags, as promote
// -mark-running does after production: the tag leaves the old image,
// which keeps its release tag, and lands on the new one; moving it again
// changes nothing.
func TestRunningTagMovesInECR(t *testing.T) {
	inShortLane(t)
	emu := harnesstest.EmulatorT(t)
	p := &config.Project{Name: "notes", Cloud: config.Cloud{Region: "eu-west-1", Emulator: config.Emulator{Endpoint: emu.Endpoint}}}
	ctx := context.Background()
	client, _, err := release.ECRClient(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	repo := "notes/api/notes-api"
	if _, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repo), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable}); err != nil {
		t.Fatal(err)
	}
	// The emulator derives an image's digest from its layers: one
	// distinct layer each.
	push := func(n int, tag string) string {
		manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%064d","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%064d","size":1}]}`, n, n, n)
		out, err := client.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String(repo), ImageManifest: aws.String(manifest),
			ImageManifestMediaType: aws.String("application/vnd.oci.image.manifest.v1+json"), ImageTag: aws.String(tag)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Image.ImageId.ImageDigest)
	}
	tagsOf := func(digest string) []string {
		out, err := client.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo), ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}}})
		if err != nil || len(out.ImageDetails) != 1 {
			t.Fatalf("describe %s: %v", digest, err)
		}
		return out.ImageDetails[0].ImageTags
	}
	d1, d2 := push(1, naming.ReleaseImageTag("20261201T000000Z-aaa", false)), push(2, naming.ReleaseImageTag("20261202T000000Z-bbb", false))
	for _, step := range []struct {
		digest    string
		wantMoved bool
	}{{d1, true}, {d2, true}, {d2, false}, {d1, true}} {
		moved, err := release.MarkRunning(ctx, client, repo, step.digest, naming.RunningTag)
		if err != nil || moved != step.wantMoved {
			t.Fatalf("mark %s running: moved %v (%v), want %v", step.digest, moved, err, step.wantMoved)
		}
		other := d1
		if step.digest == d1 {
			other = d2
		}
		if !slices.Contains(tagsOf(step.digest), naming.RunningTag) || slices.Contains(tagsOf(other), naming.RunningTag) {
			t.Errorf("after marking %s: tags %v and %v", step.digest, tagsOf(step.digest), tagsOf(other))
		}
		if len(tagsOf(other)) != 1 {
			t.Errorf("the image the tag left lost its release tag: %v", tagsOf(other))
		}
	}
	if _, err := release.MarkRunning(ctx, client, repo, "sha256:"+fmt.Sprintf("%064d", 9), naming.RunningTag); err == nil {
		t.Error("marking a digest ECR does not hold succeeded")
	}
}
