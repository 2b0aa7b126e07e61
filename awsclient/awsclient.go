// Package awsclient is the AWS SDK configuration every command of the
// product shares: the project's region unless the environment names
// another, credentials as for the AWS CLI, and in emulator mode the
// emulator's endpoint with dummy credentials.
package awsclient

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/homecloud-dev/fullstack/config"
)

// Config is the SDK configuration for the project and its region
// ($AWS_REGION, $AWS_DEFAULT_REGION, else cloud.region).
func Config(ctx context.Context, p *config.Project) (aws.Config, string, error) {
	region := p.Cloud.Region
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := os.Getenv(name); r != "" {
			region = r
			break
		}
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
	if p.Cloud.Emulator.Enabled() {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("emulator", "emulator", "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, region, fmt.Errorf("AWS configuration: %w", err)
	}
	return cfg, region, nil
}

// BaseEndpoint is the endpoint every client takes: the emulator's in
// emulator mode, nil (AWS's own) otherwise. Set it as the client
// options' BaseEndpoint.
func BaseEndpoint(p *config.Project) *string {
	if !p.Cloud.Emulator.Enabled() {
		return nil
	}
	return aws.String(p.Cloud.Emulator.Endpoint)
}
