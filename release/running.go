package release

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/homecloud-dev/fullstack/naming"
)

// MarkRunning moves the tag onto repository@digest in ECR (the running
// tags, naming.RunningTag): ECR's lifecycle keeps the images that carry
// them, whatever else is pushed (containerregistry's rule 2). Tags are
// immutable, so the tag is removed from the image that held it (which
// keeps its release tag) and put on digest with the image's own manifest.
// Run after production runs a release: a rolled-back image keeps its old
// push time, and only this tag keeps it from a count by push time.
func MarkRunning(ctx context.Context, client *ecr.Client, repository, digest, tag string) (moved bool, err error) {
	held, err := client.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RepositoryName: aws.String(repository),
		ImageIds:       []ecrtypes.ImageIdentifier{{ImageTag: aws.String(tag)}},
	})
	var notFound *ecrtypes.ImageNotFoundException
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return false, fmt.Errorf("%s: which image is %s: %w", repository, tag, err)
	case len(held.ImageDetails) > 0 && aws.ToString(held.ImageDetails[0].ImageDigest) == digest:
		return false, nil
	}
	got, err := client.BatchGetImage(ctx, &ecr.BatchGetImageInput{
		RepositoryName:     aws.String(repository),
		ImageIds:           []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}},
		AcceptedMediaTypes: manifestMediaTypes,
	})
	if err != nil {
		return false, fmt.Errorf("%s@%s: read its manifest: %w", repository, digest, err)
	}
	if len(got.Images) == 0 {
		return false, fmt.Errorf("%s@%s is not in ECR: promote the release first", repository, digest)
	}
	img := got.Images[0]
	if held != nil && len(held.ImageDetails) > 0 {
		if _, err := client.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{
			RepositoryName: aws.String(repository),
			ImageIds:       []ecrtypes.ImageIdentifier{{ImageTag: aws.String(tag)}},
		}); err != nil {
			return false, fmt.Errorf("%s: remove %s from %s: %w", repository, tag, aws.ToString(held.ImageDetails[0].ImageDigest), err)
		}
	}
	if _, err := client.PutImage(ctx, &ecr.PutImageInput{
		RepositoryName:         aws.String(repository),
		ImageManifest:          img.ImageManifest,
		ImageManifestMediaType: img.ImageManifestMediaType,
		ImageDigest:            aws.String(digest),
		ImageTag:               aws.String(tag),
	}); err != nil {
		return false, fmt.Errorf("%s: tag %s as %s: %w", repository, digest, tag, err)
	}
	return true, nil
}

var manifestMediaTypes = []string{
	"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
}

// MarkReleaseRunning moves the running tags of every repository of m onto
// m's images (its app image, and its migration image with the -flyway
// running tag), naming what it moved.
func MarkReleaseRunning(ctx context.Context, client *ecr.Client, m *Manifest) ([]string, error) {
	var done []string
	var errs []error
	for _, name := range m.AppNames() {
		a := m.Apps[name]
		repo := m.ECRRepository(name)
		type mark struct {
			tag string
			img *Image
		}
		marks := []mark{{naming.RunningTag, a.Image}}
		if a.Migrations != nil {
			marks = append(marks, mark{naming.RunningTag + naming.FlywayTagSuffix, a.Migrations.Image})
		}
		for _, mk := range marks {
			tag, img := mk.tag, mk.img
			if img == nil {
				continue
			}
			moved, err := MarkRunning(ctx, client, repo, img.Digest, tag)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
			state := "already"
			if moved {
				state = "now"
			}
			done = append(done, fmt.Sprintf("%s: %s:%s is %s %s", name, repo, tag, state, strings.TrimPrefix(img.Digest, "sha256:")[:12]))
		}
	}
	return done, errors.Join(errs...)
}
