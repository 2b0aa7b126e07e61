// Command cloudservice is a cloud-only program built from the library's
// AWS constructs alone: a REST service on ECS Fargate with its own RDS
// PostgreSQL database (migrated by Flyway) and a static site on S3 +
// CloudFront that serves the service under /api/. It links no docker or
// postgresql provider bindings.
//
//	go run . && terraform -chdir=cdktf.out/stacks/shop init && terraform -chdir=cdktf.out/stacks/shop plan
//
// CDKTF_OUTDIR overrides the output folder. FULLSTACK_EMULATOR_ENDPOINT
// points it at a local AWS emulator instead of AWS (the tests apply it
// there and run its task definitions).
package main

import (
	"os"
	"path/filepath"

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
	"github.com/homecloud-dev/fullstack/examples/internal/program"
	"github.com/homecloud-dev/fullstack/flyway"
)

const (
	project = "shop"
	region  = "eu-west-2"
	app     = "orders"
)

func main() { program.Run("cloudservice", newStack) }

func newStack(scope cdktf.App) error {
	// I/O first: the migrations and the site's files are read once, before
	// any construct is created.
	migrations, err := flyway.Load("migrations")
	if err != nil {
		return err
	}
	siteDir, err := filepath.Abs("site")
	if err != nil {
		return err
	}
	siteFiles, err := clientsite.Files(siteDir)
	if err != nil {
		return err
	}

	var emulator *awsprovider.Emulator
	if endpoint := os.Getenv("FULLSTACK_EMULATOR_ENDPOINT"); endpoint != "" {
		emulator = &awsprovider.Emulator{Endpoint: endpoint}
	}

	stack := cdktf.NewTerraformStack(scope, jsii.String(project))
	if _, err := awsprovider.New(stack, "aws", awsprovider.Props{
		Region:   region,
		Tags:     map[string]string{"project": project, "managed-by": "cdktf"},
		Emulator: emulator,
	}); err != nil {
		return err
	}
	net, err := network.New(stack, "network", network.Props{
		CIDR: "10.20.0.0/16", Name: project, Region: region,
		Zones:        []string{region + "a", region + "b"},
		NAT:          network.NATSingle,
		ServicePorts: []int{8080},
	})
	if err != nil {
		return err
	}
	registry, err := containerregistry.New(stack, "registry", containerregistry.Props{
		Project:      project,
		Repositories: []containerregistry.Repository{{App: app, Kind: "api"}},
	})
	if err != nil {
		return err
	}
	// The database first: the cluster's execution role must be able to
	// read its secrets: the RDS-managed one Flyway logs in with, and the
	// app role's the service logs in with.
	spec := dbspec.Spec{Project: project, App: app, Migrations: migrations}
	db, err := appdatabase.New(stack, "database", appdatabase.Props{
		Spec: spec, EngineVersion: "16", Network: net, BackupRetentionDays: 7,
		Disposable: emulator != nil,
	})
	if err != nil {
		return err
	}
	serviceLogs, flywayLogs := "/ecs/"+project+"/"+app, "/ecs/"+project+"/"+app+"/flyway"
	cluster, err := ecscluster.New(stack, "cluster", ecscluster.Props{
		Name:              project,
		ExecutionRoleName: project + "-execution",
		Logs:              []ecscluster.AppLog{{App: app, Name: serviceLogs}, {App: app + "-flyway", Name: flywayLogs}},
		RepositoryARNs:    []string{*registry.Repositories[app].Arn()},
		SecretARNs:        db.SecretARNs(),
	})
	if err != nil {
		return err
	}
	lb, err := loadbalancer.New(stack, "load-balancer", loadbalancer.Props{Name: project, Network: net})
	if err != nil {
		return err
	}
	// Flyway runs the migrations as a one-off task during apply, before
	// the service moves to a new version.
	migrate, err := appdatabase.NewMigrationTask(stack, "migrations", appdatabase.MigrationTaskProps{
		DB: db, Repository: registry.URL(app), Cluster: cluster, Network: net, LogGroup: flywayLogs, Region: region,
		Emulator: emulator,
	})
	if err != nil {
		return err
	}
	imageTag := cdktf.NewTerraformVariable(stack, jsii.String("image_tag"), &cdktf.TerraformVariableConfig{
		Type: jsii.String("string"), Description: jsii.String("Image tag to deploy (the git SHA)."),
	})
	service, err := restservice.New(stack, "service", restservice.Props{
		Project: project, App: app, Port: 8080, HealthCheckPath: "/healthz",
		Repository: registry.URL(app), ImageTag: imageTag.StringValue(),
		Cluster: cluster, Network: net, LoadBalancer: lb,
		LogGroup: serviceLogs, Region: region,
		Database: db, After: []cdktf.ITerraformDependable{migrate.Run},
	})
	if err != nil {
		return err
	}
	site, err := clientsite.New(stack, "site", clientsite.Props{
		Project: project, App: "web", Files: siteFiles, API: lb, Emulator: emulator,
	})
	if err != nil {
		return err
	}
	cdktf.NewTerraformOutput(stack, jsii.String("site_url"), &cdktf.TerraformOutputConfig{Value: jsii.String(site.URL(""))})
	cdktf.NewTerraformOutput(stack, jsii.String("service_name"), &cdktf.TerraformOutputConfig{Value: service.Service.Name()})
	return nil
}
