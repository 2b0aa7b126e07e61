package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/backupplan"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/naming"
)

// newCloudBackup is cloud.backup: AWS Backup's plan for every app
// database, its copy in a second region (through a provider of that
// region) or another account's vault, and its restore testing.
func newCloudBackup(stack cdktf.TerraformStack, p *config.Project, net *network.Network, databases map[string]*appdatabase.Database, key string) (*backupplan.Plan, error) {
	b := p.Cloud.Backup
	if !b.Enabled {
		return nil, nil
	}
	props := backupplan.Props{
		Name:     naming.VPC(p.Name, p.Cloud.Environment).Value,
		Schedule: b.Schedule, RetentionDays: b.RetentionDays,
		CopyVaultARN: b.CopyVaultARN, CopyRetentionDays: b.CopyRetentionDays,
		KMSKeyARN:      key,
		RestoreTesting: b.RestoreTesting, RestoreTestSchedule: b.RestoreTestSchedule,
		Disposable: p.Cloud.Database.Disposable || p.Cloud.Emulator.Enabled(),
	}
	for _, a := range p.Apps { // in the project's order: stable ids
		if db, ok := databases[a.Name]; ok {
			props.Databases = append(props.Databases, backupplan.Database{
				App:         a.Name,
				InstanceARN: db.Instance.Arn(), SubnetGroup: db.SubnetGroup.Name(), SecurityGroupID: net.SecurityGroups.Database.Id(),
			})
		}
	}
	if b.CopyRegion != "" {
		copyProvider, err := awsprovider.New(stack, "aws-backup-copy", awsprovider.Props{
			Region: b.CopyRegion, Alias: "backup_copy", Tags: tags(p.Name, p.Cloud.Environment),
			Emulator: emulator(p.Cloud),
		})
		if err != nil {
			return nil, err
		}
		props.CopyProvider = copyProvider
	}
	return backupplan.New(stack, "backup", props)
}
