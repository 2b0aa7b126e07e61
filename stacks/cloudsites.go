package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
)

// newCloudSites serves every site from S3 through CloudFront, with /api/
// forwarded to the shared load balancer when the site names its API app.
func newCloudSites(stack cdktf.TerraformStack, p *config.Project, in *cloudInputs, lb *loadbalancer.LoadBalancer, edge *edge) (map[string]*clientsite.Site, map[string]string, error) {
	out, urls := map[string]*clientsite.Site{}, map[string]string{}
	for _, a := range siteApps(p.Apps) {
		acl, err := edge.CloudFrontACL()
		if err != nil {
			return nil, nil, err
		}
		props := clientsite.Props{
			Project: p.Name, App: a.Name, Files: in.siteFiles[a.Name],
			Domain: a.Site.Domain, MinTTL: a.Site.MinTTL, DefaultTTL: a.Site.DefaultTTL, MaxTTL: a.Site.MaxTTL,
			WebACLID: acl, Logging: edge.CloudFrontLogging(a.Name), Emulator: emulator(p.Cloud),
		}
		if api, ok := p.AppNamed(a.Site.API); ok && api.Kind != config.KindSite && lb != nil {
			props.API = lb
		}
		if props.CertificateARN, err = edge.Certificate(a.Name, a.Site.Domain, a.Site.CertificateARN, a.Site.CertificateDomain); err != nil {
			return nil, nil, err
		}
		site, err := clientsite.New(stack, "site-"+a.Name, props)
		if err != nil {
			return nil, nil, err
		}
		out[a.Name], urls[a.Name] = site, site.URL(a.Site.Domain)
	}
	return out, urls, nil
}
