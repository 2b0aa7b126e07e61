package graphcheck

import (
	"strings"
	"testing"
)

// wiredBackup is a plan as backupplan writes it: a role AWS Backup may
// assume with both managed policies and the databases' key, a copy in
// another region, restore testing.
const wiredBackup = `{"resource": {
  "aws_kms_key": {"key": {}},
  "aws_db_instance": {"db": {"kms_key_id": "${aws_kms_key.key.arn}"}},
  "aws_iam_role": {"backup": {"assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"backup.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\"]}]}"}},
  "aws_iam_role_policy_attachment": {
    "b": {"role": "${aws_iam_role.backup.name}", "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
    "r": {"role": "${aws_iam_role.backup.name}", "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}},
  "aws_iam_role_policy": {"kms": {"role": "${aws_iam_role.backup.name}",
    "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kms:Decrypt\",\"kms:CreateGrant\",\"kms:GenerateDataKey*\"],\"Resource\":[\"${aws_kms_key.key.arn}\"]}]}"}},
  "aws_backup_vault": {"vault": {"name": "shop-prod"}, "copy": {"name": "shop-prod-copy", "provider": "aws.backup_copy"}},
  "aws_backup_plan": {"plan": {"rule": [{"target_vault_name": "${aws_backup_vault.vault.name}", "lifecycle": {"delete_after": 35},
    "copy_action": [{"destination_vault_arn": "${aws_backup_vault.copy.arn}", "lifecycle": {"delete_after": 35}}]}]}},
  "aws_backup_selection": {"sel": {"name": "shop-prod-rds", "iam_role_arn": "${aws_iam_role.backup.arn}", "resources": ["${aws_db_instance.db.arn}"]}},
  "aws_backup_restore_testing_plan": {"rt": {"name": "shop_prod"}},
  "aws_backup_restore_testing_selection": {"rts": {"name": "shop_prod_rds_0", "restore_testing_plan_name": "${aws_backup_restore_testing_plan.rt.name}",
    "iam_role_arn": "${aws_iam_role.backup.arn}", "protected_resource_arns": ["${aws_db_instance.db.arn}"]}}
}}`

func TestBackupWiringAcceptsAWiredPlan(t *testing.T) {
	if err := BackupWiring([]byte(wiredBackup)); err != nil {
		t.Fatal(err)
	}
	if err := BackupWiring([]byte(`{"resource": {"aws_db_instance": {"db": {}}}}`)); err != nil {
		t.Errorf("a stack without a backup plan is not checked for one: %v", err)
	}
}

func TestBackupWiringRefusals(t *testing.T) {
	for _, c := range []struct {
		name, from, to, want string
	}{
		{"a role AWS Backup may not assume", `\"Service\":\"backup.amazonaws.com\"`, `\"Service\":\"ecs-tasks.amazonaws.com\"`,
			"does not let backup.amazonaws.com assume it"},
		{"no restore policy", `AWSBackupServiceRolePolicyForRestores`, `ReadOnlyAccess`,
			"lacks arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"},
		{"no right to the databases' key", `\"kms:Decrypt\",`, ``,
			"may not kms:Decrypt with ${aws_kms_key.key.arn}, the key of aws_db_instance.db"},
		{"a restore testing name with a dash", `"name": "shop_prod_rds_0"`, `"name": "shop-prod-rds-0"`,
			`name "shop-prod-rds-0" must be 1-50 letters, digits and '_'`},
		{"a copy to the same region", `, "provider": "aws.backup_copy"`, ``,
			"in the source vault's own region"},
		{"backups kept forever", `"lifecycle": {"delete_after": 35},
    "copy_action"`, `"copy_action"`, "keeps its backups forever"},
		{"a selection of something else", `"resources": ["${aws_db_instance.db.arn}"]`, `"resources": ["arn:aws:rds:eu-west-1:123456789012:db:other"]`,
			"covers arn:aws:rds:eu-west-1:123456789012:db:other, not an RDS instance of this stack"},
		{"a role of another stack", `"iam_role_arn": "${aws_iam_role.backup.arn}", "resources"`, `"iam_role_arn": "arn:aws:iam::123456789012:role/x", "resources"`,
			"is not a role of this stack"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stack := strings.Replace(wiredBackup, c.from, c.to, 1)
			if stack == wiredBackup {
				t.Fatalf("the case changes nothing: %q not found", c.from)
			}
			err := BackupWiring([]byte(stack))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error with %q", err, c.want)
			}
		})
	}
	// A database the plan leaves out.
	stack := strings.Replace(wiredBackup, `"aws_db_instance": {"db": {"kms_key_id": "${aws_kms_key.key.arn}"}}`,
		`"aws_db_instance": {"db": {"kms_key_id": "${aws_kms_key.key.arn}"}, "other": {}}`, 1)
	if err := BackupWiring([]byte(stack)); err == nil || !strings.Contains(err.Error(), "aws_db_instance.other: is in no backup selection") {
		t.Errorf("an uncovered database: got %v", err)
	}
}
