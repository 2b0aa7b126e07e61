package backupplan

import (
	"fmt"
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
	// Restore testing names allow letters, digits and '_' only.
	name := strings.ReplaceAll(props.Name, "-", "_")
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
	for i, db := range props.Databases {
		backuprestoretestingselection.NewBackupRestoreTestingSelection(c, jsii.String(fmt.Sprintf("restore-testing-%d", i)), &backuprestoretestingselection.BackupRestoreTestingSelectionConfig{
			Name:                   jsii.String(fmt.Sprintf("%s_rds_%d", name, i)),
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
