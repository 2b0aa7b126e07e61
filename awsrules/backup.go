package awsrules

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// BackupScheduleRule is what an AWS Backup schedule must be; see
// IsBackupSchedule.
const BackupScheduleRule = `must be an EventBridge cron expression in UTC with six fields, one minute an hour at most, e.g. "cron(17 3 * * ? *)"`

// IsBackupSchedule reports whether s is a cron expression AWS Backup
// accepts in shape: cron(minute hours day-of-month month day-of-week
// year), one minute (AWS Backup runs at most hourly) and one of the two
// days "?".
func IsBackupSchedule(s string) bool {
	f, ok := backupCron(s)
	return ok && (f[2] == "?") != (f[4] == "?")
}

func backupCron(s string) ([]string, bool) {
	inner, ok := strings.CutPrefix(s, "cron(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return nil, false
	}
	f := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(f) != 6 {
		return nil, false
	}
	m, err := strconv.Atoi(f[0])
	return f, err == nil && m >= 0 && m < 60
}

// BackupWindowClearance is how far an AWS Backup job keeps from
// RDSBackupWindow.
const BackupWindowClearance = time.Hour

// ClashesWithRDSBackupWindow reports whether a daily schedule (one hour
// and minute) starts within BackupWindowClearance of RDSBackupWindow.
func ClashesWithRDSBackupWindow(schedule string) bool {
	f, ok := backupCron(schedule)
	if !ok {
		return false
	}
	h, err := strconv.Atoi(f[1])
	if err != nil {
		return false // several hours: one of them may be clear
	}
	m, _ := strconv.Atoi(f[0])
	start := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	from, to := 30*time.Minute-BackupWindowClearance, time.Hour+BackupWindowClearance // 23:30 to 02:00
	return start >= from+24*time.Hour || start < to
}

// RestoreTestingNameRule is what AWS Backup's restore testing plan and
// selection names must be; see IsRestoreTestingName.
const RestoreTestingNameRule = "must be 1-50 letters, digits and '_'"

var restoreTestingName = regexp.MustCompile(`^[A-Za-z0-9_]{1,50}$`)

// IsRestoreTestingName reports whether s may name a restore testing plan
// or selection.
func IsRestoreTestingName(s string) bool { return restoreTestingName.MatchString(s) }

// BackupVaultARNRule is what a backup vault's ARN must look like; see
// IsBackupVaultARN.
const BackupVaultARNRule = "must be a backup vault's ARN, arn:aws:backup:<region>:<account>:backup-vault:<name>"

var backupVaultARN = regexp.MustCompile(`^arn:aws[a-z-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$`)

// IsBackupVaultARN reports whether s is a backup vault's ARN.
func IsBackupVaultARN(s string) bool { return backupVaultARN.MatchString(s) }
