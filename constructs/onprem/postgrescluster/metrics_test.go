package postgrescluster

import (
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/alerting"
)

// The alert rules read what the scripts write: the names must agree.
func TestBackupScriptsWriteTheMetricsTheRulesRead(t *testing.T) {
	for script, names := range map[string][]string{
		BackupScript:   {alerting.MetricBackupSuccess, alerting.MetricBackupLastSuccess, alerting.MetricBackupLastRun},
		ScheduleScript: {alerting.MetricBackupSchedulerStart},
		OffsiteScript:  {alerting.MetricOffsiteSuccess},
		DrillScript:    {alerting.MetricDrillSuccess},
	} {
		for _, name := range names {
			if !strings.Contains(script, "echo \""+name+" ") && !strings.Contains(script, name+" %s") {
				t.Errorf("a backup script does not write %s", name)
			}
		}
		if !strings.Contains(script, `. "${BACKUP_LIB:-`+LibFile+`}"`) {
			t.Errorf("a backup script does not source %s", LibFile)
		}
	}
	if !strings.Contains(LibScript, "${METRICS_DIR:-"+alerting.BackupMetricsDir+"}") {
		t.Errorf("the scripts' library does not default METRICS_DIR to %s", alerting.BackupMetricsDir)
	}
}
