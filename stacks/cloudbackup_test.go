package stacks_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/synth"

	"github.com/homecloud-dev/fullstack/constructs/cloud/backupplan"
	"github.com/homecloud-dev/fullstack/stacks"
)

// TestCloudBackupPlan: cloud.backup gives every database a daily AWS
// Backup, kept 35 days, encrypted with the project's key, copied to a
// vault in the copy region and restore-tested weekly beside the original;
// without it there is no AWS Backup resource at all.
func TestCloudBackupPlan(t *testing.T) {
	if n := len(plain.Stacks[stacks.CloudName].Resources("aws_backup_plan")); n != 0 {
		t.Errorf("%d backup plans without cloud.backup", n)
	}
	s := secured.Stacks[stacks.CloudName]
	vault := idOf(t, s, "aws_backup_vault", "name", "shop-production")
	copyVault := idOf(t, s, "aws_backup_vault", "name", "shop-production-copy")
	// The key the databases use.
	eq(t, s.Resources("aws_backup_vault")[vault], "kms_key_arn", s.Resources("aws_db_instance")[onlyID(t, s, "aws_db_instance")]["kms_key_id"])
	eq(t, s.Resources("aws_backup_vault")[vault], "force_destroy", false)
	eq(t, s.Resources("aws_backup_vault")[copyVault], "provider", "aws.backup_copy")
	copyRegion := ""
	for _, p := range s.JSON["provider"].(map[string]any)["aws"].([]any) {
		if p.(map[string]any)["alias"] == "backup_copy" {
			copyRegion = fmt.Sprint(p.(map[string]any)["region"])
		}
	}
	if copyRegion != "eu-central-1" {
		t.Errorf("the copy vault's provider is in %q, want eu-central-1", copyRegion)
	}

	plan := s.Resources("aws_backup_plan")[onlyID(t, s, "aws_backup_plan")]
	rule := get(t, plan, "rule").([]any)[0].(map[string]any)
	eq(t, rule, "schedule", backupplan.DefaultSchedule)
	eq(t, rule, "target_vault_name", ref("aws_backup_vault", vault, "name"))
	eq(t, rule, "lifecycle.delete_after", 35)
	eq(t, rule, "copy_action", []any{map[string]any{
		"destination_vault_arn": ref("aws_backup_vault", copyVault, "arn"), "lifecycle": map[string]any{"delete_after": 35},
	}})

	var dbs []any
	for id := range s.Resources("aws_db_instance") {
		dbs = append(dbs, ref("aws_db_instance", id, "arn"))
	}
	sort.Slice(dbs, func(i, j int) bool { return fmt.Sprint(dbs[i]) < fmt.Sprint(dbs[j]) })
	sel := s.Resources("aws_backup_selection")[onlyID(t, s, "aws_backup_selection")]
	for _, db := range s.Resources("aws_db_instance") {
		// Set, an hour and more clear of the plan's schedule.
		eq(t, db, "backup_window", awsrules.RDSBackupWindow)
		eq(t, db, "maintenance_window", awsrules.RDSMaintenanceWindow)
	}
	eq(t, sel, "resources", dbs)

	rt := s.Resources("aws_backup_restore_testing_plan")[onlyID(t, s, "aws_backup_restore_testing_plan")]
	eq(t, rt, "name", "shop_production")
	eq(t, rt, "schedule_expression", backupplan.DefaultRestoreTestSchedule)
	eq(t, rt, "recovery_point_selection", []any{map[string]any{
		"algorithm": "LATEST_WITHIN_WINDOW", "include_vaults": []any{ref("aws_backup_vault", vault, "arn")},
		"recovery_point_types": []any{"SNAPSHOT"}, "selection_window_days": 7,
	}})
	tested := s.Resources("aws_backup_restore_testing_selection")
	if len(tested) != len(dbs) {
		t.Errorf("%d restore testing selections for %d databases", len(tested), len(dbs))
	}
	for id, r := range tested {
		eq(t, r, "protected_resource_type", "RDS")
		eq(t, r, "validation_window_hours", backupplan.ValidationWindowHours)
		overrides := get(t, r, "restore_metadata_overrides").(map[string]any)
		if overrides["dbsubnetgroupname"] == nil || overrides["vpcsecuritygroupids"] == nil {
			t.Errorf("%s restores without a subnet group and security group (AWS Backup would pick the default VPC): %v", id, overrides)
		}
	}
}

// TestCloudBackupToAnotherAccount: a copy to another account's vault
// shares the project's key with that account, which decrypts the copies.
func TestCloudBackupToAnotherAccount(t *testing.T) {
	const vault = "arn:aws:backup:eu-west-1:210987654321:backup-vault:far"
	out, err := synth.Project(project(func(p *config.Project) {
		p.Cloud.Security.KMS = true
		p.Cloud.Backup = config.Backup{Enabled: true, CopyVaultARN: vault}
	}), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := out.Stacks[stacks.CloudName]
	plan := s.Resources("aws_backup_plan")[onlyID(t, s, "aws_backup_plan")]
	eq(t, get(t, plan, "rule").([]any)[0].(map[string]any), "copy_action", []any{map[string]any{
		"destination_vault_arn": vault, "lifecycle": map[string]any{"delete_after": 35},
	}})
	key := s.Resources("aws_kms_key")[idOf(t, s, "aws_kms_key", "description", "Customer-managed key of shop-production")]
	if policy := fmt.Sprint(key["policy"]); !strings.Contains(policy, `:iam::210987654321:root"`) || !strings.Contains(policy, "OtherAccountsDecrypt") {
		t.Errorf("the key is not shared with the copies' account: %s", policy)
	}
	if n := len(s.Resources("aws_backup_vault")); n != 1 {
		t.Errorf("%d vaults: the other account's is not this stack's", n)
	}
}
