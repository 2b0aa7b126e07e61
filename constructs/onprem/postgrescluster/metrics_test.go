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
		if !strings.Contains(script, "${METRICS_DIR:-"+alerting.BackupMetricsDir+"}") {
			t.Errorf("a backup script does not default METRICS_DIR to %s", alerting.BackupMetricsDir)
		}
	}
}
