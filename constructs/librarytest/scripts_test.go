package librarytest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
)

// TestScriptsParse reads every shell script the constructs install or run
// (each an embedded .sh file) with dash -n, the POSIX shell the containers
// and the migration runner use: a syntax error fails here, not on a server
// at 3 am. What they do is run for real in __tests__.
func TestScriptsParse(t *testing.T) {
	for name, script := range map[string]string{
		"appdatabase.RunScript":          appdatabase.RunScript,
		"postgrescluster.BackupScript":   postgrescluster.BackupScript,
		"postgrescluster.RestoreScript":  postgrescluster.RestoreScript,
		"postgrescluster.ScheduleScript": postgrescluster.ScheduleScript,
		"postgrescluster.RoundScript":    postgrescluster.RoundScript,
		"postgrescluster.OffsiteScript":  postgrescluster.OffsiteScript,
		"postgrescluster.DrillScript":    postgrescluster.DrillScript,
		"postgrescluster.LibScript":      postgrescluster.LibScript,
		"registry.BackupScript":          registry.BackupScript,
		"registry.RestoreScript":         registry.RestoreScript,
	} {
		if strings.TrimSpace(script) == "" {
			t.Errorf("%s is empty", name)
			continue
		}
		cmd := exec.Command("dash", "-n")
		cmd.Stdin = strings.NewReader(script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %v\n%s", name, err, out)
		}
	}
	if !strings.Contains(postgrescluster.ScheduleScript, postgrescluster.RoundCommand+" ||") {
		t.Errorf("the schedule does not run %s", postgrescluster.RoundCommand)
	}
	for _, step := range []string{postgrescluster.BackupCommand, postgrescluster.OffsiteCommand, postgrescluster.DrillCommand} {
		if !strings.Contains(postgrescluster.RoundScript, step+" ||") {
			t.Errorf("a backup round does not run %s", step)
		}
	}
	if strings.Contains(appdatabase.RunScript, "@FLYWAY_IMAGE@") {
		t.Error("RunScript still holds its placeholder")
	}
}
