// Package awsprovider configures the aws provider of a cloud stack: region,
// default tags on every resource, and the one emulator switch. An
// Emulator sends every AWS API the product uses to a local emulator (e.g.
// moto_server) with dummy credentials; it is the only place the emulator's
// credentials and endpoints are written.
package awsprovider

import (
	"github.com/aws/jsii-runtime-go"
	aws "github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// Version is the range of hashicorp/aws versions accepted.
const Version = "~> 5.84"

// Props configures the aws provider of one stack.
type Props struct {
	// Region is the AWS region. Required.
	Region string
	// Tags are applied to every resource through default_tags. Default
	// none; stacks pass project, environment and managed-by.
	Tags map[string]string
	// Emulator, when set, points the provider at a local AWS emulator.
	// Default nil: real AWS.
	Emulator *Emulator
	// Alias names a second aws provider in the same stack (e.g. us-east-1
	// for CloudFront). Default empty: the default provider.
	Alias string
}

// Emulator is a local AWS emulator.
type Emulator struct {
	// Endpoint is the emulator's URL, e.g. "http://127.0.0.1:4566". Required.
	Endpoint string
	// CABundle is the PEM file its HTTPS certificate is verified with.
	// Default empty: system roots (or plain HTTP).
	CABundle string
}

// CLIEnvironment points the AWS CLI (a local-exec step) at the emulator
// with the same dummy credentials as the provider.
func (e *Emulator) CLIEnvironment() map[string]string {
	env := map[string]string{
		"AWS_ENDPOINT_URL": e.Endpoint, "AWS_ACCESS_KEY_ID": emulatorKey, "AWS_SECRET_ACCESS_KEY": emulatorKey,
	}
	if e.CABundle != "" {
		env["AWS_CA_BUNDLE"] = e.CABundle
	}
	return env
}

// ConfigureS3Backend points an S3 state backend at the emulator.
func (e *Emulator) ConfigureS3Backend(cfg *cdktf.S3BackendConfig) {
	u := jsii.String(e.Endpoint)
	cfg.Endpoints = &cdktf.S3BackendEndpointConfig{S3: u, Dynamodb: u, Sts: u, Iam: u}
	cfg.UsePathStyle = jsii.Bool(true)
	cfg.AccessKey = jsii.String(emulatorKey)
	cfg.SecretKey = jsii.String(emulatorKey)
	cfg.SkipCredentialsValidation = jsii.Bool(true)
	cfg.SkipRequestingAccountId = jsii.Bool(true)
	cfg.SkipMetadataApiCheck = jsii.Bool(true)
	cfg.SkipRegionValidation = jsii.Bool(true)
	if e.CABundle != "" {
		cfg.CustomCaBundle = jsii.String(e.CABundle)
	}
}

// emulatorKey is the dummy access key id and secret the emulator takes.
const emulatorKey = "emulator"

// EmulatedServices are the endpoints pointed at the emulator: every
// service the product's stacks use.
var EmulatedServices = []string{
	"acm", "applicationautoscaling", "backup", "cloudfront", "cloudwatch", "dynamodb", "ec2", "ecr", "ecs",
	"elbv2", "iam", "kms", "logs", "rds", "route53", "s3", "secretsmanager", "sts", "ssm", "wafv2",
}

// New adds the aws provider to stack and relaxes its version pin.
func New(stack cdktf.TerraformStack, id string, props Props) (aws.AwsProvider, error) {
	if err := props.validate(propcheck.For(stack, id)); err != nil {
		return nil, err
	}
	cfg := &aws.AwsProviderConfig{
		Region:      jsii.String(props.Region),
		DefaultTags: &[]*aws.AwsProviderDefaultTags{{Tags: stringMap(props.Tags)}},
	}
	if props.Alias != "" {
		cfg.Alias = jsii.String(props.Alias)
	}
	if e := props.Emulator; e != nil {
		cfg.AccessKey = jsii.String(emulatorKey)
		cfg.SecretKey = jsii.String(emulatorKey)
		cfg.SkipCredentialsValidation = jsii.Bool(true)
		cfg.SkipRequestingAccountId = jsii.Bool(true)
		cfg.SkipMetadataApiCheck = jsii.String("true")
		cfg.S3UsePathStyle = jsii.Bool(true)
		// Fail fast on an API the emulator lacks instead of retrying for
		// minutes (the default is 25), yet ride out a dropped connection.
		cfg.MaxRetries = jsii.Number(3)
		cfg.Endpoints = &[]*aws.AwsProviderEndpoints{emulatorEndpoints(e.Endpoint)}
		if e.CABundle != "" {
			cfg.CustomCaBundle = jsii.String(e.CABundle)
		}
	}
	p := aws.NewAwsProvider(stack, jsii.String(id), cfg)
	providers.RelaxVersion(stack, "aws", Version)
	return p, nil
}

func emulatorEndpoints(url string) *aws.AwsProviderEndpoints {
	u := jsii.String(url)
	return &aws.AwsProviderEndpoints{
		Acm: u, Applicationautoscaling: u, Backup: u, Cloudfront: u, Cloudwatch: u, Dynamodb: u, Ec2: u,
		Ecr: u, Ecs: u, Elbv2: u, Iam: u, Kms: u, Logs: u, Rds: u, Route53: u, S3: u,
		Secretsmanager: u, Sts: u, Ssm: u, Wafv2: u, Sns: u, Events: u,
	}
}

func stringMap(m map[string]string) *map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}

// validate reports every problem of the props at once.
func (p Props) validate(check *propcheck.Errors) error {
	check.Required("Region", p.Region)
	if p.Emulator != nil {
		check.Required("Emulator.Endpoint", p.Emulator.Endpoint)
	}
	return check.Err()
}
