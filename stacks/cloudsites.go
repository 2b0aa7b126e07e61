package stacks

import (
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsacmcertificate"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/clientsite"
)

// newCloudSites serves every site from S3 through CloudFront, with /api/
// forwarded to the shared load balancer when the site names its API app.
func newCloudSites(stack cdktf.TerraformStack, p *config.Project, services *cloudServices, edge *edge) (map[string]*clientsite.Cloud, map[string]string, error) {
	out, urls := map[string]*clientsite.Cloud{}, map[string]string{}
	emu := p.Cloud.Emulator
	for _, a := range p.Apps {
		if a.Kind != config.KindSite {
			continue
		}
		build, err := filepath.Abs(filepath.Join(p.Dir, a.Source))
		if err != nil {
			return nil, nil, err
		}
		acl, err := edge.CloudFrontACL()
		if err != nil {
			return nil, nil, err
		}
		props := clientsite.CloudProps{
			Project: p.Name, App: a.Name, BuildOutput: build, Site: a.Site,
			OmitTLSOnlyPolicy: emu.Enabled(), OmitResponseHeadersPolicy: emu.Enabled(), Unversioned: emu.Enabled(),
			WebACLID: acl, Logging: edge.CloudFrontLogging(a.Name),
		}
		if _, ok := services.Services[a.Site.API]; ok {
			props.API = services.LoadBalancer
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
			cert := dataawsacmcertificate.NewDataAwsAcmCertificate(stack, jsii.String("certificate-"+a.Name), &dataawsacmcertificate.DataAwsAcmCertificateConfig{
				Provider: edge.USEast1(), Domain: jsii.String(a.Site.Domain), Statuses: jsii.Strings("ISSUED"), MostRecent: jsii.Bool(true),
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
