// Package awsrules holds the values AWS accepts that both the project
// file's checks (config) and the constructs' prop checks use: CloudWatch
// Logs retention periods, Fargate task sizes and RDS storage and backup
// limits. It is plain Go (no jsii),
// so config stays free of the construct packages.
package awsrules

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// RDS PostgreSQL on gp3: storage from RDSMinStorageGiB to RDSMaxStorageGiB,
// automated backups kept 0 (off) to RDSMaxBackupRetentionDays days.
const (
	RDSMinStorageGiB          = 20
	RDSMaxStorageGiB          = 65536
	RDSMaxBackupRetentionDays = 35
)

// FargateCPUs are the task CPU values (units) Fargate accepts.
var FargateCPUs = []int{256, 512, 1024, 2048, 4096, 8192, 16384}

// fargateMemory lists the memory sizes (MiB) Fargate accepts for each CPU
// value: from, to and step (0: only 512, 1024 and 2048).
var fargateMemory = map[int][3]int{
	256:   {512, 2048, 0},
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// FargateMemory reports whether a task of cpu units may have mem MiB, and
// the memory range (MiB) that cpu allows; from and to are 0 for a CPU value
// Fargate does not have.
func FargateMemory(cpu, mem int) (ok bool, from, to int) {
	r, known := fargateMemory[cpu]
	if !known {
		return false, 0, 0
	}
	if r[2] == 0 {
		return slices.Contains([]int{512, 1024, 2048}, mem), r[0], r[1]
	}
	return mem >= r[0] && mem <= r[1] && (mem-r[0])%r[2] == 0, r[0], r[1]
}

// IsRootUser reports whether a container definition's user ("uid",
// "uid:gid" or a name) runs the container as root: uid 0 written any way,
// or the name root.
func IsRootUser(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "root" || (u != "" && strings.Trim(u, "0") == "")
}

// MinUnprivilegedPort is the lowest port a non-root process without
// capabilities may bind on Fargate.
const MinUnprivilegedPort = 1024

// NonRootUser is the user an app's container runs as unless told
// otherwise, on ECS and at home: uid and gid 65532, which owns nothing in
// any image (distroless calls it nonroot).
const NonRootUser = "65532:65532"

// DefaultWritablePaths are the only paths an app's container may write by
// default, on ECS and at home: everything else is the read-only image.
var DefaultWritablePaths = []string{"/tmp"}

// WritablePathRule is what a container's writable path must be; see
// IsWritablePath.
const WritablePathRule = "must be a clean absolute path below / (e.g. /tmp): the rest of the root filesystem is read-only"

// IsWritablePath reports whether p may be a writable path of a task with a
// read-only root filesystem: clean, absolute, and not / itself.
func IsWritablePath(p string) bool {
	return strings.HasPrefix(p, "/") && path.Clean(p) == p && p != "/"
}

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

// RDSBackupWindow and RDSMaintenanceWindow are every RDS instance's, in
// UTC: set, so that AWS Backup's daily job is not left to collide with a
// window RDS would pick at random (AWS Backup does not start a job in or
// close to the automated backup window).
const (
	RDSBackupWindow      = "00:30-01:00"
	RDSMaintenanceWindow = "sun:01:30-sun:02:00"
)

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
