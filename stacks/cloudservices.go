package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/apidistribution"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appsecrets"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/naming"
)

// ImageTagVariable is the cloud stack's input naming the image tag every
// service runs when no release is given (Options.Release): an escape
// hatch (TF_VAR_image_tag). Releases name images by digest. Terraform owns
// the task definitions, so CI and Terraform never fight over them, and
// deploying the same release again changes nothing.
const ImageTagVariable = "image_tag"

// cloudServices puts every api and model app behind one load balancer.
type cloudServices struct {
	LoadBalancer *loadbalancer.LoadBalancer
	Services     map[string]*restservice.Service
	URLs         map[string]string
}

func newCloudServices(stack cdktf.TerraformStack, p *config.Project, in *cloudInputs, net *network.Network, reg *containerregistry.Registry,
	cluster *ecscluster.Cluster, databases map[string]*appdatabase.Database, migrations map[string]*appdatabase.MigrationTask, secrets map[string]*appsecrets.Secrets,
	lb *loadbalancer.LoadBalancer, sites map[string]*clientsite.Site) (*cloudServices, error) {
	apps := containerApps(p.Apps)
	out := &cloudServices{Services: map[string]*restservice.Service{}, URLs: map[string]string{}, LoadBalancer: lb}
	if len(apps) == 0 {
		return out, nil
	}
	// Without a release every service runs <repository>:<image_tag>.
	var tag *string
	if in.release == nil {
		tag = imageTagVariable(stack)
	}
	for _, a := range apps {
		props := restservice.Props{
			Project: p.Name, App: a.Name, Port: a.Port, HealthCheckPath: a.HealthCheckPath, Env: a.Env,
			Size:       a.Size,
			Repository: reg.URL(a.Name), ImageTag: tag, ImageDigest: in.appDigest(a.Name),
			Cluster: cluster, Network: net, LoadBalancer: lb,
			Route: a.Route, Exec: a.Exec,
			Egress:             a.Egress,
			HealthCheckCommand: a.HealthCheckCommand,
			Hardening:          ecscluster.Hardening{User: a.User, WritablePaths: a.WritablePaths},
		}
		if s, ok := secrets[a.Name]; ok {
			props.Secrets = s.ARNs
		}
		props.Sites = siteRules(p, a.Name, sites)
		if db, ok := databases[a.Name]; ok {
			props.Database = db
			props.After = []cdktf.ITerraformDependable{migrations[a.Name].Run}
		}
		svc, err := restservice.New(stack, "service-"+a.Name, props)
		if err != nil {
			return nil, err
		}
		out.Services[a.Name] = svc
	}
	return out, nil
}

// newLoadBalancer is the load balancer every api and model app shares
// (nil without one), behind the regional web ACL when there is one.
func newLoadBalancer(stack cdktf.TerraformStack, p *config.Project, net *network.Network, edge *edge) (*loadbalancer.LoadBalancer, error) {
	if len(containerApps(p.Apps)) == 0 {
		return nil, nil
	}
	lb, err := loadbalancer.New(stack, "load-balancer", loadbalancer.Props{
		Name:       naming.LoadBalancerName(p.Name, p.Cloud.Environment).Value,
		Network:    net,
		AccessLogs: edge.logs,
	})
	if err != nil {
		return nil, err
	}
	return lb, edge.protectLoadBalancer(lb.LB.Arn())
}

// siteRules are the listener rules of the sites that serve app under
// their /api/ (the load balancer gives them priorities 5, 15, 25, ...,
// between the apps' own 10, 20, ...).
func siteRules(p *config.Project, app string, sites map[string]*clientsite.Site) []restservice.SiteRule {
	var out []restservice.SiteRule
	for _, a := range p.Apps {
		if a.Kind == config.KindSite && a.Site.API == app {
			out = append(out, restservice.SiteRule{Site: sites[a.Name]})
		}
	}
	return out
}

// serviceURL is where an app answers below base (the load balancer's URL,
// or its CloudFront distribution's).
func serviceURL(base string, r config.Route) string {
	if r.Host != "" {
		base = strings.SplitN(base, "://", 2)[0] + "://" + strings.TrimPrefix(r.Host, "*.")
	}
	return fmt.Sprintf("%s%s", base, strings.TrimSuffix(strings.TrimSuffix(r.Path, "*"), "/"))
}

// newAPIDistributions are the apps' way in from the internet (the load
// balancer is internal): an app a site serves answers under the site's
// /api/, any other app gets a distribution of its own, on its domain when
// it has one.
// newAPIDistributions makes a distribution for each api/model app no site
// serves, and returns them by app.
func newAPIDistributions(stack cdktf.TerraformStack, p *config.Project, services *cloudServices, siteURLs map[string]string, edge *edge) (map[string]*apidistribution.APIDistribution, error) {
	out := map[string]*apidistribution.APIDistribution{}
	if services.LoadBalancer == nil {
		return out, nil
	}
	served := map[string]string{}
	for _, a := range p.Apps {
		if a.Kind == config.KindSite && a.Site.API != "" {
			served[a.Site.API] = siteURLs[a.Name] + "/api"
		}
	}
	for _, a := range containerApps(p.Apps) {
		if url, ok := served[a.Name]; ok {
			services.URLs[a.Name] = url
			continue
		}
		acl, err := edge.CloudFrontACL()
		if err != nil {
			return nil, err
		}
		cert, err := edge.Certificate(a.Name, a.Domain, a.CertificateARN, a.CertificateDomain)
		if err != nil {
			return nil, err
		}
		d, err := apidistribution.New(stack, "api-distribution-"+a.Name, apidistribution.Props{
			Project: p.Name, App: a.Name, LoadBalancer: services.LoadBalancer,
			Domain: a.Domain, CertificateARN: cert,
			WebACLID: acl, Logging: edge.CloudFrontLogging(a.Name),
		})
		if err != nil {
			return nil, err
		}
		services.URLs[a.Name] = serviceURL(d.URL(), a.Route)
		out[a.Name] = d
	}
	return out, nil
}

// imageTagVariable is the escape hatch for a deploy without a release:
// the image tag every service runs.
func imageTagVariable(stack cdktf.TerraformStack) *string {
	return cdktf.NewTerraformVariable(stack, jsii.String(ImageTagVariable), &cdktf.TerraformVariableConfig{
		Type:     jsii.String("string"),
		Nullable: jsii.Bool(false),
		// Empty by default so Terraform never prompts (a CI deploy would
		// hang); the check below fails the plan instead, naming the fix.
		Default:     jsii.String(""),
		Description: jsii.String("Image tag every service runs (CI passes the git SHA)."),
		Validation: &[]*cdktf.TerraformVariableValidationConfig{{
			Condition:    jsii.String(`${can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.` + ImageTagVariable + `))}`),
			ErrorMessage: jsii.String("image_tag is not set or not a Docker tag (letters, digits, '_', '.', '-', at most 128 characters): export TF_VAR_image_tag=<the tag pushed to ECR, e.g. the git SHA>."),
		}},
	}).StringValue()
}
