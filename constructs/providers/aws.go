package providers

import (
	"github.com/aws/jsii-runtime-go"
	awsprovider "github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AWSProps configures the aws provider of one stack.
type AWSProps struct {
	// Region is the AWS region. Required.
	Region string
	// Tags are applied to every resource through default_tags. Stacks pass
	// project, environment and managed-by.
	Tags map[string]string
	// EmulatorEndpoint, when set, sends every AWS API the product uses to a
	// local emulator (e.g. moto_server) with dummy credentials, skipped
	// account checks and path-style S3. Default empty: real AWS.
	EmulatorEndpoint string
	// EmulatorCABundle is the PEM CA bundle the emulator's HTTPS
	// certificate is verified with. Default empty: system roots.
	EmulatorCABundle string
	// Alias names a second aws provider in the same stack (e.g. us-east-1
	// for CloudFront certificates). Default empty: the default provider.
	Alias string
}

// EmulatedServices are the endpoints pointed at the emulator in emulator
// mode: every service the product's stacks use.
var EmulatedServices = []string{
	"acm", "applicationautoscaling", "cloudfront", "cloudwatch", "dynamodb", "ec2", "ecr", "ecs",
	"elbv2", "iam", "kms", "logs", "rds", "route53", "s3", "secretsmanager", "sts", "ssm", "wafv2",
}

// NewAWS adds the aws provider to stack and relaxes its version pin.
func NewAWS(stack cdktf.TerraformStack, id string, props AWSProps) awsprovider.AwsProvider {
	cfg := &awsprovider.AwsProviderConfig{
		Region:      jsii.String(props.Region),
		DefaultTags: &[]*awsprovider.AwsProviderDefaultTags{{Tags: stringMap(props.Tags)}},
	}
	if props.Alias != "" {
		cfg.Alias = jsii.String(props.Alias)
	}
	if e := props.EmulatorEndpoint; e != "" {
		cfg.AccessKey = jsii.String("emulator")
		cfg.SecretKey = jsii.String("emulator")
		cfg.SkipCredentialsValidation = jsii.Bool(true)
		cfg.SkipRequestingAccountId = jsii.Bool(true)
		cfg.SkipMetadataApiCheck = jsii.String("true")
		cfg.S3UsePathStyle = jsii.Bool(true)
		// Fail fast on an API the emulator lacks instead of retrying for
		// minutes (the default is 25), yet ride out a dropped connection.
		cfg.MaxRetries = jsii.Number(3)
		cfg.Endpoints = &[]*awsprovider.AwsProviderEndpoints{emulatorEndpoints(e)}
		if props.EmulatorCABundle != "" {
			cfg.CustomCaBundle = jsii.String(props.EmulatorCABundle)
		}
	}
	p := awsprovider.NewAwsProvider(stack, jsii.String(id), cfg)
	relaxVersion(stack, "aws", AWSVersion)
	return p
}

func emulatorEndpoints(url string) *awsprovider.AwsProviderEndpoints {
	u := jsii.String(url)
	return &awsprovider.AwsProviderEndpoints{
		Acm: u, Applicationautoscaling: u, Cloudfront: u, Cloudwatch: u, Dynamodb: u, Ec2: u,
		Ecr: u, Ecs: u, Elbv2: u, Iam: u, Kms: u, Logs: u, Rds: u, Route53: u, S3: u,
		Secretsmanager: u, Sts: u, Ssm: u, Wafv2: u,
	}
}

func stringMap(m map[string]string) *map[string]*string {
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}
