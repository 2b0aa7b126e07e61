package awsrules

import "testing"

func TestBackupSchedules(t *testing.T) {
	for s, want := range map[string]bool{
		"cron(17 3 * * ? *)": true, "cron(0 5 ? * SUN *)": true,
		"cron(0/30 5 ? * SUN *)": false, // more often than hourly
		"cron(17 3 * * * *)":     false, // both days given
		"cron(17 3 * *)":         false, "rate(1 day)": false,
	} {
		if IsBackupSchedule(s) != want {
			t.Errorf("IsBackupSchedule(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{
		"cron(17 3 * * ? *)": false, "cron(29 23 * * ? *)": false, "cron(0 2 * * ? *)": false,
		"cron(30 23 * * ? *)": true, "cron(45 0 * * ? *)": true, "cron(59 1 * * ? *)": true,
		"cron(17 0-3 * * ? *)": false, // several hours: not judged
	} {
		if ClashesWithRDSBackupWindow(s) != want {
			t.Errorf("ClashesWithRDSBackupWindow(%q) = %v (window %s)", s, !want, RDSBackupWindow)
		}
	}
}
