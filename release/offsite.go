package release

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/homecloud-dev/fullstack/awsclient"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/homecloud-dev/fullstack/config"
)

// Offsite keeps signed manifests where the loss of the home server cannot
// reach them: the cloud state bucket (versioned, encrypted, created by
// cloud-bootstrap), under <project>/releases/. Promote writes each release
// it copies there; the production job records which release runs; a
// rollback reads both, with no home server.
type Offsite struct {
	client         *s3.Client
	Bucket, Prefix string
}

// ProductionObject is the record of what production runs, beside the
// releases.
const ProductionObject = "production.json"

// NewOffsite is the project's off-site store (the bootstrap state bucket).
func NewOffsite(ctx context.Context, p *config.Project) (*Offsite, error) {
	cfg, region, err := awsclient.Config(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("S3 in %s: %w", region, err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = awsclient.BaseEndpoint(p)
		// The emulator serves buckets by path, not by host name.
		o.UsePathStyle = p.Cloud.Emulator.Enabled()
		// Objects written without a checksum (the emulator's, or a plain
		// PUT) are fine: the manifests carry their own signatures. The SDK
		// would log each on stderr, in the middle of a command's output.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &Offsite{client: client, Bucket: p.BootstrapBucket(), Prefix: p.Name + "/releases/"}, nil
}

func (o *Offsite) where(key string) string { return "s3://" + o.Bucket + "/" + key }

func (o *Offsite) put(ctx context.Context, key string, data []byte) error {
	_, err := o.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key), Body: bytes.NewReader(data),
		ContentType: aws.String("application/json")})
	if err != nil {
		return fmt.Errorf("write %s: %s", o.where(key), strings.Join(strings.Fields(err.Error()), " "))
	}
	return nil
}

func (o *Offsite) get(ctx context.Context, key string) ([]byte, error) {
	out, err := o.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)})
	var missing *s3types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%s: %w", o.where(key), os.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %s", o.where(key), strings.Join(strings.Fields(err.Error()), " "))
	}
	defer out.Body.Close()
	return io.ReadAll(io.LimitReader(out.Body, 16<<20))
}

// Keep writes the signed manifest at path (and its signature) as
// <prefix><id>.json(.sig). Versioning keeps any earlier copy.
func (o *Offsite) Keep(ctx context.Context, path string, m *Manifest) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(SignatureOf(path))
	if err != nil {
		return err
	}
	if err := o.put(ctx, o.Prefix+m.ID+".json", data); err != nil {
		return err
	}
	return o.put(ctx, o.Prefix+m.ID+".json"+SignatureSuffix, sig)
}

// Fetch downloads release id's manifest and signature into dir and
// returns the manifest's path (verify it with LoadVerified).
func (o *Offsite) Fetch(ctx context.Context, id, dir string) (string, error) {
	path := filepath.Join(dir, "release.json")
	for _, f := range []struct{ key, to string }{{o.Prefix + id + ".json", path}, {o.Prefix + id + ".json" + SignatureSuffix, SignatureOf(path)}} {
		data, err := o.get(ctx, f.key)
		if err != nil {
			return "", err
		}
		if err := WriteFileAtomic(f.to, data); err != nil {
			return "", err
		}
	}
	return path, nil
}

// List are the release ids kept off-site, oldest first.
func (o *Offsite) List(ctx context.Context) ([]string, error) {
	var ids []string
	p := s3.NewListObjectsV2Paginator(o.client, &s3.ListObjectsV2Input{Bucket: aws.String(o.Bucket), Prefix: aws.String(o.Prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			return nil, fmt.Errorf("list %s: %s", o.where(o.Prefix), strings.Join(strings.Fields(err.Error()), " "))
		}
		for _, obj := range page.Contents {
			name := strings.TrimPrefix(aws.ToString(obj.Key), o.Prefix)
			if id, ok := strings.CutSuffix(name, ".json"); ok && idRE.MatchString(id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Running is the record of the release production runs.
type Running struct {
	Release string    `json:"release"`
	Commit  string    `json:"commit"`
	Since   time.Time `json:"since"`
	// Run is the workflow run that deployed it, or "local".
	Run string `json:"run"`
	// Rollback is true when it was put back by a rollback.
	Rollback bool `json:"rollback"`
}

// RecordProduction writes which release production now runs.
func (o *Offsite) RecordProduction(ctx context.Context, r Running) error {
	data, _ := json.MarshalIndent(r, "", "  ")
	return o.put(ctx, o.Prefix+ProductionObject, append(data, '\n'))
}

// Production is the release production runs (nil when none was recorded).
func (o *Offsite) Production(ctx context.Context) (*Running, error) {
	data, err := o.get(ctx, o.Prefix+ProductionObject)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Running
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", o.where(o.Prefix+ProductionObject), err)
	}
	return &r, nil
}

// RunURL is the GitHub Actions run this process belongs to (from
// GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID), or "local".
func RunURL(getenv func(string) string) string {
	id := getenv("GITHUB_RUN_ID")
	if id == "" {
		return "local"
	}
	return getenv("GITHUB_SERVER_URL") + "/" + getenv("GITHUB_REPOSITORY") + "/actions/runs/" + id
}
