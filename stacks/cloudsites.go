package stacks

import (
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsacmcertificate"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// newCloudSites serves every site from S3 through CloudFront, with /api/
// forwarded to the shared load balancer when the site names its API app.
func newCloudSites(stack cdktf.TerraformStack, p *config.Project, services *cloudServices) (map[string]*clientsite.Cloud, map[string]string, error) {
	out, urls := map[string]*clientsite.Cloud{}, map[string]string{}
	emu := p.Cloud.Emulator
	var usEast1 cdktf.TerraformProvider
	for _, a := range p.Apps {
		if a.Kind != config.KindSite {
			continue
		}
		build, err := filepath.Abs(filepath.Join(p.Dir, a.Source))
		if err != nil {
			return nil, nil, err
		}
		props := clientsite.CloudProps{
			Project: p.Name, App: a.Name, BuildOutput: build, Site: a.Site,
			OmitTLSOnlyPolicy: emu.Enabled(), OmitResponseHeadersPolicy: emu.Enabled(), Unversioned: emu.Enabled(),
		}
		if _, ok := services.Services[a.Site.API]; ok {
			props.APIOrigin = services.LoadBalancer.LB.DnsName()
			props.APIOriginHTTPS = p.Cloud.CertificateARN != ""
		}
		if emu.Enabled() {
			// The invalidation's AWS CLI talks to the emulator too.
			props.Environment = map[string]*string{
				"AWS_ENDPOINT_URL": jsii.String(emu.Endpoint), "AWS_ACCESS_KEY_ID": jsii.String("emulator"),
				"AWS_SECRET_ACCESS_KEY": jsii.String("emulator"), "AWS_REGION": jsii.String(p.Cloud.Region),
				"AWS_DEFAULT_REGION": jsii.String(p.Cloud.Region), // AWS CLI v1
			}
			if emu.CABundle != "" {
				props.Environment["AWS_CA_BUNDLE"] = jsii.String(emu.CABundle)
			}
		}
		if a.Site.Domain != "" && a.Site.CertificateARN == "" {
			// CloudFront certificates live in us-east-1, whatever the
			// stack's region: look the domain's one up there.
			if usEast1 == nil {
				usEast1 = providers.NewAWS(stack, "aws-us-east-1", providers.AWSProps{
					Region: "us-east-1", Alias: "us_east_1", Tags: tags(p.Name, p.Cloud.Environment),
					EmulatorEndpoint: emu.Endpoint, EmulatorCABundle: emu.CABundle,
				})
			}
			cert := dataawsacmcertificate.NewDataAwsAcmCertificate(stack, jsii.String("certificate-"+a.Name), &dataawsacmcertificate.DataAwsAcmCertificateConfig{
				Provider: usEast1, Domain: jsii.String(a.Site.Domain), Statuses: jsii.Strings("ISSUED"), MostRecent: jsii.Bool(true),
			})
			props.CertificateARN = cert.Arn()
		}
		site, err := clientsite.NewCloud(stack, "site-"+a.Name, props)
		if err != nil {
			return nil, nil, err
		}
		out[a.Name], urls[a.Name] = site, site.URL(a.Site.Domain)
	}
	return out, urls, nil
}
