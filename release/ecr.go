package release

import (
	"context"
	"encoding/base64"
	"fmt"
	"github.com/homecloud-dev/fullstack/awsclient"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/homecloud-dev/fullstack/config"
)

// ECRRegistry authenticates to ECR through GetAuthorizationToken and
// returns its registry endpoint with the token's user and password.
// override replaces the endpoint (emulator only: moto serves no registry).
// Credentials and region come from the environment as for the AWS CLI.
func ECRRegistry(ctx context.Context, p *config.Project, override string) (*Registry, error) {
	if override != "" && !p.Cloud.Emulator.Enabled() {
		return nil, fmt.Errorf("an ECR registry override is for the emulator only (set FULLSTACK_AWS_ENDPOINT): on AWS the registry is the one ECR's token names")
	}
	client, region, err := ECRClient(ctx, p)
	if err != nil {
		return nil, err
	}
	out, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return nil, fmt.Errorf("ECR in %s: GetAuthorizationToken: %s", region, strings.Join(strings.Fields(err.Error()), " "))
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
		return nil, fmt.Errorf("ECR in %s: GetAuthorizationToken returned no token", region)
	}
	data := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(*data.AuthorizationToken)
	user, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return nil, fmt.Errorf("ECR in %s: the authorization token is not base64 of user:password", region)
	}
	r := &Registry{Username: user, Password: password}
	endpoint := aws.ToString(data.ProxyEndpoint)
	if override != "" {
		endpoint = override
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		if !strings.Contains(endpoint, "://") {
			u, err = url.Parse("https://" + endpoint)
		}
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("ECR in %s: registry endpoint %q is not a URL or host:port", region, endpoint)
		}
	}
	r.Address, r.PlainHTTP = u.Host, u.Scheme == "http"
	return r, nil
}

// ECRClient is ECR's API for the project's region ($AWS_REGION,
// $AWS_DEFAULT_REGION, else cloud.region), on the emulator in emulator
// mode; credentials as for the AWS CLI.
func ECRClient(ctx context.Context, p *config.Project) (*ecr.Client, string, error) {
	cfg, region, err := awsclient.Config(ctx, p)
	if err != nil {
		return nil, region, fmt.Errorf("ECR in %s: %w", region, err)
	}
	return ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.BaseEndpoint = awsclient.BaseEndpoint(p) }), region, nil
}
