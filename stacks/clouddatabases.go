package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
)

// newCloudDatabases gives every app with a database its RDS instance, in
// the private subnets behind the database security group. The engine
// major version is onprem.postgres.version: one version on both targets.
func newCloudDatabases(stack cdktf.TerraformStack, p *config.Project, in *cloudInputs, net *network.Network, key string) (map[string]*appdatabase.Database, error) {
	specs := in.databases
	settings := map[string]config.Database{}
	for _, a := range p.Apps {
		settings[a.Name] = a.Database.Settings(p.Cloud.Database)
	}
	out := map[string]*appdatabase.Database{}
	for _, s := range specs {
		spec := settings[s.App]
		// Emulator mode is disposable by nature: destroys must finish.
		spec.Disposable = spec.Disposable || p.Cloud.Emulator.Enabled()
		db, err := appdatabase.New(stack, "database-"+s.App, appdatabase.Props{
			Spec:                s,
			EngineVersion:       p.OnPrem.Postgres.Version,
			Network:             net,
			InstanceClass:       spec.InstanceClass,
			AllocatedStorage:    spec.AllocatedStorage,
			MaxAllocatedStorage: spec.MaxAllocatedStorage,
			BackupRetentionDays: spec.BackupRetentionDays,
			Disposable:          spec.Disposable,
			KMSKeyARN:           key,
		})
		if err != nil {
			return nil, err
		}
		out[s.App] = db
	}
	return out, nil
}

// newMigrationTasks defines each database app's Flyway task and runs it
// during apply (not in emulator mode: the emulator never stops a task).
func newMigrationTasks(stack cdktf.TerraformStack, p *config.Project, in *cloudInputs, net *network.Network, reg *containerregistry.Registry,
	cluster *ecscluster.Cluster, databases map[string]*appdatabase.Database) (map[string]*appdatabase.MigrationTask, error) {
	out := map[string]*appdatabase.MigrationTask{}
	for _, a := range p.Apps {
		db, ok := databases[a.Name]
		if !ok {
			continue
		}
		task, err := appdatabase.NewMigrationTask(stack, "migrations-"+a.Name, appdatabase.MigrationTaskProps{
			DB:          db,
			Repository:  reg.URL(a.Name),
			ImageDigest: in.migrationDigest(a.Name),
			Cluster:     cluster,
			Network:     net,
			Emulator:    emulator(p.Cloud),
		})
		if err != nil {
			return nil, err
		}
		out[a.Name] = task
	}
	return out, nil
}
