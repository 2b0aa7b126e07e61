package stacks

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/kmskey"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/naming"
)

// Cloud is the AWS stack.
type Cloud struct {
	cdktf.TerraformStack
	Network  *network.Network
	Registry *containerregistry.Registry
	Cluster  *ecscluster.Cluster
	// Databases and Migrations by app name, for apps with a database.
	Databases  map[string]*appdatabase.Database
	Migrations map[string]*appdatabase.MigrationTask
	// Services by app name, for api and model apps.
	Services map[string]*restservice.Service
	// Sites by app name.
	Sites map[string]*clientsite.Site
}

// NewCloud builds the cloud stack from a normalized project.
func NewCloud(scope constructs.Construct, id string, p *config.Project, opts Options) (*Cloud, error) {
	c := p.Cloud
	in, err := readCloudInputs(p, opts)
	if err != nil {
		return nil, err
	}
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	cloudBackend(stack, id, c, stateKey(p, id), opts)
	if err := newAWSProvider(stack, p); err != nil {
		return nil, err
	}
	env := c.Environment
	key, err := newProjectKey(stack, p)
	if err != nil {
		return nil, err
	}

	net, err := network.New(stack, "network", network.Props{
		CIDR:                 c.VPCCIDR,
		Name:                 naming.VPC(p.Name, env).Value,
		Zones:                c.AvailabilityZones,
		NAT:                  c.NAT,
		ServicePorts:         servicePorts(p.Apps),
		FlowLogs:             c.FlowLogs,
		FlowLogRetentionDays: c.LogRetentionDays,
		Region:               c.Region,
		InterfaceEndpoints:   c.InterfaceEndpoints,
		KMSKeyARN:            key,
	})
	if err != nil {
		return nil, err
	}
	var repos []containerregistry.Repository
	for _, a := range p.Apps {
		repos = append(repos, containerregistry.Repository{App: a.Name, Kind: string(a.Kind)})
	}
	reg, err := containerregistry.New(stack, "registry", containerregistry.Props{
		Project:            p.Name,
		Repositories:       repos,
		MutableTags:        c.ECR.MutableTags,
		KeepTaggedImages:   c.ECR.KeepTaggedImages,
		UntaggedExpiryDays: c.ECR.UntaggedExpiryDays,
		ForceDelete:        c.Emulator.Enabled(),
		KMSKeyARN:          key,
	})
	if err != nil {
		return nil, err
	}
	var logs []ecscluster.AppLog
	var pulls []string
	for _, a := range containerApps(p.Apps) {
		logs = append(logs, ecscluster.AppLog{App: a.Name, Name: naming.AppLogGroup(p.Name, a.Name).Value})
		pulls = append(pulls, *reg.Repositories[a.Name].Arn())
	}
	databases, err := newCloudDatabases(stack, p, in, net, key)
	if err != nil {
		return nil, err
	}
	if _, err := newCloudBackup(stack, p, net, databases, key); err != nil {
		return nil, err
	}
	appSecrets, secrets, err := newCloudAppSecrets(stack, p, key)
	if err != nil {
		return nil, err
	}
	for _, a := range p.Apps {
		if db, ok := databases[a.Name]; ok {
			logs = append(logs, ecscluster.AppLog{App: a.Name + "-flyway", Name: naming.AppFlywayLogGroup(p.Name, a.Name).Value})
			secrets = append(secrets, db.SecretARNs()...)
			if a.Kind == config.KindSite { // sites have no service, but their migrations run as tasks
				pulls = append(pulls, *reg.Repositories[a.Name].Arn())
			}
		}
	}
	cluster, err := ecscluster.New(stack, "cluster", ecscluster.Props{
		Name:              naming.Cluster(p.Name, env).Value,
		ExecutionRoleName: naming.ExecutionRole(p.Name, env).Value,
		Logs:              logs,
		LogRetentionDays:  c.LogRetentionDays,
		RepositoryARNs:    pulls,
		SecretARNs:        secrets,
		KMSKeyARN:         key,
	})
	if err != nil {
		return nil, err
	}
	migrations, err := newMigrationTasks(stack, p, in, net, reg, cluster, databases)
	if err != nil {
		return nil, err
	}

	edge, err := newEdge(stack, p)
	if err != nil {
		return nil, err
	}
	// The load balancer, then the sites that send /api/ to it, then the
	// services whose site rules name those sites.
	lb, err := newLoadBalancer(stack, p, net, edge)
	if err != nil {
		return nil, err
	}
	sites, siteURLs, err := newCloudSites(stack, p, in, lb, edge)
	if err != nil {
		return nil, err
	}
	services, err := newCloudServices(stack, p, in, net, reg, cluster, databases, migrations, appSecrets, lb, sites)
	if err != nil {
		return nil, err
	}
	apiDistributions, err := newAPIDistributions(stack, p, services, siteURLs, edge)
	if err != nil {
		return nil, err
	}
	alerts, err := newCloudAlarms(stack, p, cluster, services, databases, sites, apiDistributions, edge)
	if err != nil {
		return nil, err
	}
	out := &Cloud{TerraformStack: stack, Network: net, Registry: reg, Cluster: cluster, Databases: databases, Migrations: migrations, Services: services.Services, Sites: sites}
	out.addOutputs(p, services, siteURLs)
	outputAlerts(stack, p, alerts)
	return out, nil
}

// newProjectKey is the customer-managed key's ARN (a token) when
// cloud.security.kms is on, else empty: AWS-managed encryption.
func newProjectKey(stack cdktf.TerraformStack, p *config.Project) (string, error) {
	if !p.Cloud.Security.KMS {
		return "", nil
	}
	props := kmskey.Props{Alias: naming.VPC(p.Name, p.Cloud.Environment).Value, Region: p.Cloud.Region}
	if b := p.Cloud.Backup; b.Enabled && b.CopyVaultARN != "" {
		// The account that holds the copies decrypts the snapshots with it.
		props.ShareWithAccounts = []string{strings.Split(b.CopyVaultARN, ":")[4]}
	}
	key, err := kmskey.New(stack, "kms", props)
	if err != nil {
		return "", err
	}
	output(stack, "kms_key_arn", key.ARN(), "Customer-managed key of the logs, images, databases and their secrets.")
	return *key.ARN(), nil
}

// newAWSProvider is the aws provider of every cloud-side stack.
func newAWSProvider(stack cdktf.TerraformStack, p *config.Project) error {
	_, err := awsprovider.New(stack, "aws", awsprovider.Props{
		Region:   p.Cloud.Region,
		Tags:     tags(p.Name, p.Cloud.Environment),
		Emulator: emulator(p.Cloud),
	})
	return err
}

// emulator is the project's local AWS emulator, nil for real AWS: the one
// value every construct that behaves differently there is given.
func emulator(c config.Cloud) *awsprovider.Emulator {
	if !c.Emulator.Enabled() {
		return nil
	}
	return &awsprovider.Emulator{Endpoint: c.Emulator.Endpoint, CABundle: c.Emulator.CABundle}
}

// containerApps are the apps that run as containers in the cloud; sites
// are served from S3 and CloudFront instead.
func containerApps(apps []config.App) []config.App {
	var out []config.App
	for _, a := range apps {
		if a.Kind != config.KindSite {
			out = append(out, a)
		}
	}
	return out
}

func servicePorts(apps []config.App) []int {
	var ports []int
	for _, a := range containerApps(apps) {
		ports = append(ports, a.Port)
	}
	return ports
}

// stateKey is the S3 key of a stack's state: the configured key for the
// cloud stack, and a sibling key for any other stack.
func stateKey(p *config.Project, stack string) string {
	if stack == CloudName && p.Cloud.StateBackend.Key != "" {
		return p.Cloud.StateBackend.Key
	}
	return p.Name + "/" + stack + ".tfstate"
}

// tags are the default tags of every AWS resource and the labels of
// every Docker resource.
func tags(project, env string) map[string]string {
	return map[string]string{"project": project, "environment": env, "managed-by": ManagedBy}
}
