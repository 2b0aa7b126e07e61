package graphcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/homecloud-dev/fullstack/awsrules"
)

// The managed policies AWS Backup's role needs to back up and to restore.
const (
	backupRolePolicy  = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
	restoreRolePolicy = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"
)

// AWS Backup's name rules, which the emulator does not check.
var (
	vaultName            = regexp.MustCompile(`^[A-Za-z0-9_-]{2,50}$`)
	selectionName        = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,50}$`)
	dbInstanceRef        = regexp.MustCompile(`^\$\{aws_db_instance\.([^.}]+)\.arn\}$`)
	backupVaultRef       = regexp.MustCompile(`^\$\{aws_backup_vault\.([^.}]+)\.arn\}$`)
	backupVaultNameRef   = regexp.MustCompile(`^\$\{aws_backup_vault\.([^.}]+)\.name\}$`)
	kmsKeyRef            = regexp.MustCompile(`^\$\{aws_kms_key\.([^.}]+)\.arn\}$`)
	restoreTestingPlanOf = regexp.MustCompile(`^\$\{aws_backup_restore_testing_plan\.([^.}]+)\.name\}$`)
)

// BackupWiring checks the AWS Backup resources of the stack for what the
// emulator stores without complaint and AWS refuses or silently skips:
//   - every backup and restore testing selection's role is a role of this
//     stack that AWS Backup may assume, with AWS's managed policy for
//     backups (and for restores, where it restores), and the right to use
//     the KMS key of each database it covers;
//   - each selection covers RDS instances of this stack, and in a stack
//     with a backup plan every instance is covered;
//   - vault, selection and restore testing names follow AWS's rules;
//   - a copy to a vault of this stack goes to another region;
//   - every rule deletes its backups (and copies) after some days.
func BackupWiring(stack []byte) error {
	res, err := resources(stack)
	if err != nil {
		return err
	}
	if len(res["aws_backup_plan"]) == 0 && len(res["aws_backup_restore_testing_plan"]) == 0 {
		return nil
	}
	var errs []error
	report := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{where}, args...)...))
	}
	for _, id := range sortedIDs(res["aws_backup_vault"]) {
		if n := fmt.Sprint(res["aws_backup_vault"][id]["name"]); !vaultName.MatchString(n) && !strings.Contains(n, "${") {
			report("aws_backup_vault."+id, "name %q is not 2-50 letters, digits, '-' and '_'", n)
		}
	}
	covered := map[string]bool{}
	for _, id := range sortedIDs(res["aws_backup_selection"]) {
		sel := res["aws_backup_selection"][id]
		where := "aws_backup_selection." + id
		if n := fmt.Sprint(sel["name"]); !selectionName.MatchString(n) {
			report(where, "name %q is not 1-50 letters, digits, '-', '_' and '.'", n)
		}
		dbs := checkCovered(res, where, strs(sel["resources"]), report)
		for _, db := range dbs {
			covered[db] = true
		}
		checkBackupRole(res, where, sel["iam_role_arn"], backupRolePolicy, dbs, report)
	}
	for _, id := range sortedIDs(res["aws_backup_restore_testing_plan"]) {
		if n := fmt.Sprint(res["aws_backup_restore_testing_plan"][id]["name"]); !awsrules.IsRestoreTestingName(n) {
			report("aws_backup_restore_testing_plan."+id, "name %q %s", n, awsrules.RestoreTestingNameRule)
		}
	}
	for _, id := range sortedIDs(res["aws_backup_restore_testing_selection"]) {
		sel := res["aws_backup_restore_testing_selection"][id]
		where := "aws_backup_restore_testing_selection." + id
		if n := fmt.Sprint(sel["name"]); !awsrules.IsRestoreTestingName(n) {
			report(where, "name %q %s", n, awsrules.RestoreTestingNameRule)
		}
		if m := restoreTestingPlanOf.FindStringSubmatch(fmt.Sprint(sel["restore_testing_plan_name"])); m == nil || res["aws_backup_restore_testing_plan"][m[1]] == nil {
			report(where, "restore_testing_plan_name %v is not a restore testing plan of this stack", sel["restore_testing_plan_name"])
		}
		dbs := checkCovered(res, where, strs(sel["protected_resource_arns"]), report)
		checkBackupRole(res, where, sel["iam_role_arn"], restoreRolePolicy, dbs, report)
	}
	for _, id := range sortedIDs(res["aws_backup_plan"]) {
		checkRules(res, "aws_backup_plan."+id, res["aws_backup_plan"][id], report)
	}
	if len(res["aws_backup_plan"]) > 0 {
		for _, db := range sortedIDs(res["aws_db_instance"]) {
			if !covered[db] {
				report("aws_db_instance."+db, "is in no backup selection of the stack's backup plan")
			}
		}
	}
	return errors.Join(errs...)
}

// checkCovered reports resources that are not RDS instances of this stack
// and returns the instances' ids.
func checkCovered(res map[string]map[string]map[string]any, where string, arns []string, report func(string, string, ...any)) []string {
	if len(arns) == 0 {
		report(where, "covers no resource")
	}
	var dbs []string
	for _, arn := range arns {
		m := dbInstanceRef.FindStringSubmatch(arn)
		if m == nil || res["aws_db_instance"][m[1]] == nil {
			report(where, "covers %s, not an RDS instance of this stack", arn)
			continue
		}
		dbs = append(dbs, m[1])
	}
	return dbs
}

// checkBackupRole reports a role AWS Backup could not use for dbs.
func checkBackupRole(res map[string]map[string]map[string]any, where string, roleARN any, policy string, dbs []string, report func(string, string, ...any)) {
	m := roleRef.FindStringSubmatch(fmt.Sprint(roleARN))
	if m == nil || res["aws_iam_role"][m[1]] == nil {
		report(where, "iam_role_arn %v is not a role of this stack: its grants cannot be checked", roleARN)
		return
	}
	role := m[1]
	if !trusts(res["aws_iam_role"][role]["assume_role_policy"], "backup.amazonaws.com") {
		report(where, "role %s does not let backup.amazonaws.com assume it", role)
	}
	if !slices.Contains(attachedPolicies(res, role), policy) {
		report(where, "role %s lacks %s", role, policy)
	}
	stmts, _ := rolePolicies(res, role)
	for _, db := range dbs {
		key := fmt.Sprint(res["aws_db_instance"][db]["kms_key_id"])
		if kmsKeyRef.MatchString(key) {
			for _, action := range []string{"kms:Decrypt", "kms:CreateGrant", "kms:GenerateDataKey"} {
				if !allowed(stmts, action, key) {
					report(where, "role %s may not %s with %s, the key of aws_db_instance.%s", role, action, key, db)
				}
			}
		}
	}
}

// checkRules reports rules that keep backups forever and copies to the
// source vault's own region.
func checkRules(res map[string]map[string]map[string]any, where string, plan map[string]any, report func(string, string, ...any)) {
	for i, r := range asList(plan["rule"]) {
		rule, _ := r.(map[string]any)
		at := fmt.Sprintf("%s rule[%d]", where, i)
		if lc, _ := rule["lifecycle"].(map[string]any); lc == nil || lc["delete_after"] == nil {
			report(at, "keeps its backups forever: set lifecycle.delete_after")
		}
		source := ""
		if m := backupVaultNameRef.FindStringSubmatch(fmt.Sprint(rule["target_vault_name"])); m != nil {
			source = fmt.Sprint(orDefault(res["aws_backup_vault"][m[1]]["provider"]))
		}
		for _, c := range asList(rule["copy_action"]) {
			copyAction, _ := c.(map[string]any)
			if lc, _ := copyAction["lifecycle"].(map[string]any); lc == nil || lc["delete_after"] == nil {
				report(at, "keeps its copies forever: set copy_action.lifecycle.delete_after")
			}
			if m := backupVaultRef.FindStringSubmatch(fmt.Sprint(copyAction["destination_vault_arn"])); m != nil &&
				fmt.Sprint(orDefault(res["aws_backup_vault"][m[1]]["provider"])) == source {
				report(at, "copies to aws_backup_vault.%s, in the source vault's own region: the copy would not survive the region", m[1])
			}
		}
	}
}

// trusts reports whether a trust policy lets service assume the role.
func trusts(policy any, service string) bool {
	var doc struct{ Statement []map[string]any }
	if json.Unmarshal([]byte(fmt.Sprint(policy)), &doc) != nil {
		return false
	}
	for _, s := range doc.Statement {
		principal, _ := s["Principal"].(map[string]any)
		if fmt.Sprint(s["Effect"]) == "Allow" && slices.Contains(strs(s["Action"]), "sts:AssumeRole") && slices.Contains(strs(principal["Service"]), service) {
			return true
		}
	}
	return false
}

// attachedPolicies are the ARNs of the policies attached to role.
func attachedPolicies(res map[string]map[string]map[string]any, role string) []string {
	var out []string
	for _, a := range res["aws_iam_role_policy_attachment"] {
		if m := roleRef.FindStringSubmatch(fmt.Sprint(a["role"])); m != nil && m[1] == role {
			out = append(out, fmt.Sprint(a["policy_arn"]))
		}
	}
	return out
}

func sortedIDs(m map[string]map[string]any) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
