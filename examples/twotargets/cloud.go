package main

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/naming"
)

const region = "eu-west-1"

// cloud is the AWS stack: a database, a migration task and a Fargate
// service per API, the site on S3 + CloudFront with /api/ to orders.
func cloud(app cdktf.App, in *inputs) error {
	stack := cdktf.NewTerraformStack(app, jsii.String(project+"-cloud"))
	if _, err := awsprovider.New(stack, "aws", awsprovider.Props{Region: region, Tags: map[string]string{"project": project}}); err != nil {
		return err
	}
	net, err := network.New(stack, "network", network.Props{
		CIDR: "10.30.0.0/16", Name: project, Region: region, Zones: []string{region + "a", region + "b"},
		NAT: network.NATSingle, ServicePorts: []int{8080},
	})
	if err != nil {
		return err
	}
	var repos []containerregistry.Repository
	for _, a := range apis {
		repos = append(repos, containerregistry.Repository{App: a, Kind: "api"})
	}
	reg, err := containerregistry.New(stack, "registry", containerregistry.Props{Project: project, Repositories: repos})
	if err != nil {
		return err
	}
	// Databases first: the cluster's execution role must read their
	// secrets, and it writes each service's and each Flyway task's logs.
	dbs := map[string]*appdatabase.Database{}
	var logs []ecscluster.AppLog
	var secrets, pulls []string
	for _, a := range apis {
		db, err := appdatabase.New(stack, "database-"+a, appdatabase.Props{
			Spec: dbspec.Spec{Project: project, App: a, Migrations: in.migrations[a]}, EngineVersion: "16", Network: net,
		})
		if err != nil {
			return err
		}
		dbs[a] = db
		// The names the service and the Flyway task default to.
		logs = append(logs, ecscluster.AppLog{App: a, Name: naming.AppLogGroup(project, a).Value},
			ecscluster.AppLog{App: a + "-flyway", Name: naming.AppFlywayLogGroup(project, a).Value})
		secrets = append(secrets, db.SecretARNs()...)
		pulls = append(pulls, *reg.Repositories[a].Arn())
	}
	cluster, err := ecscluster.New(stack, "cluster", ecscluster.Props{
		Name: project, ExecutionRoleName: project + "-execution", Logs: logs, RepositoryARNs: pulls, SecretARNs: secrets,
	})
	if err != nil {
		return err
	}
	lb, err := loadbalancer.New(stack, "load-balancer", loadbalancer.Props{Name: project, Network: net})
	if err != nil {
		return err
	}
	files, err := clientsite.Files(in.site)
	if err != nil {
		return err
	}
	site, err := clientsite.New(stack, "site", clientsite.Props{Project: project, App: "web", Files: files, API: lb})
	if err != nil {
		return err
	}
	tag := cdktf.NewTerraformVariable(stack, jsii.String("image_tag"), &cdktf.TerraformVariableConfig{
		Type: jsii.String("string"), Description: jsii.String("Image tag to deploy."),
	}).StringValue()
	for _, a := range apis {
		migrate, err := appdatabase.NewMigrationTask(stack, "migrations-"+a, appdatabase.MigrationTaskProps{
			DB: dbs[a], Repository: reg.URL(a), Cluster: cluster, Network: net,
		})
		if err != nil {
			return err
		}
		props := restservice.Props{
			Project: project, App: a, Port: 8080, HealthCheckPath: "/healthz",
			Repository: reg.URL(a), ImageTag: tag, Cluster: cluster, Network: net, LoadBalancer: lb,
			Route: restservice.Route{Path: "/" + a + "/*"}, Database: dbs[a],
			After: []cdktf.ITerraformDependable{migrate.Run},
		}
		if a == "orders" {
			props.Sites = []restservice.SiteRule{{Site: site}}
		}
		if _, err := restservice.New(stack, "service-"+a, props); err != nil {
			return err
		}
	}
	cdktf.NewTerraformOutput(stack, jsii.String("site_url"), &cdktf.TerraformOutputConfig{Value: jsii.String(site.URL(""))})
	return nil
}
