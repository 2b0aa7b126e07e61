package backupplan

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backuprestoretestingplan"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backuprestoretestingselection"
)

// ValidationWindowHours is how long a test restore stays up before AWS
// Backup deletes it (and stops charging for the instance).
const ValidationWindowHours = 1

// newRestoreTesting is AWS's scheduled restore drill: each test restores
// the newest backup in the vault from the last week into a new instance
// beside the original, and deletes it after ValidationWindowHours.
func newRestoreTesting(c constructs.Construct, p *Plan, props Props) {
	name := restoreTestingName(props.Name, "")
	plan := backuprestoretestingplan.NewBackupRestoreTestingPlan(c, jsii.String("restore-testing"), &backuprestoretestingplan.BackupRestoreTestingPlanConfig{
		Name:               jsii.String(name),
		ScheduleExpression: jsii.String(props.RestoreTestSchedule),
		StartWindowHours:   jsii.Number(24),
		RecoveryPointSelection: &[]*backuprestoretestingplan.BackupRestoreTestingPlanRecoveryPointSelection{{
			Algorithm:           jsii.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       &[]*string{p.Vault.Arn()},
			RecoveryPointTypes:  jsii.Strings("SNAPSHOT"),
			SelectionWindowDays: jsii.Number(7),
		}},
	})
	for _, db := range props.Databases {
		// Named by app: removing one app leaves the others' selections be.
		backuprestoretestingselection.NewBackupRestoreTestingSelection(c, jsii.String("restore-testing-"+db.App), &backuprestoretestingselection.BackupRestoreTestingSelectionConfig{
			Name:                   jsii.String(restoreTestingName(props.Name, db.App)),
			RestoreTestingPlanName: plan.Name(),
			ProtectedResourceType:  jsii.String("RDS"),
			ProtectedResourceArns:  &[]*string{db.InstanceARN},
			IamRoleArn:             p.Role.Arn(),
			ValidationWindowHours:  jsii.Number(ValidationWindowHours),
			RestoreMetadataOverrides: &map[string]*string{
				"dbsubnetgroupname":   db.SubnetGroup,
				"vpcsecuritygroupids": jsii.String(`["` + *db.SecurityGroupID + `"]`),
			},
		})
	}
}

// restoreTestingName is <name>[_<app>] as restore testing names must be:
// letters, digits and '_' only.
func restoreTestingName(name, app string) string {
	if app != "" {
		name += "_" + app
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' {
			return '_'
		}
		return r
	}, name)
}
