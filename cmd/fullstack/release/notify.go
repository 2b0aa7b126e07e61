package release

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
)

// notifyFailure tells staging's Alertmanager that a deploy of commit
// failed, as an event (no "resolved" follows).
func notifyFailure(stdout io.Writer, p *config.Project, commit, message string) error {
	if !p.Monitored() {
		fmt.Fprintln(stdout, "staging runs no monitoring (onprem.monitoring.disabled, or no apps): there is no Alertmanager to tell")
		return nil
	}
	if commit == "" {
		commit = os.Getenv("GITHUB_SHA")
	}
	if commit == "" {
		commit = time.Now().UTC().Format(time.RFC3339)
	}
	err := alerting.Notify(p.OnPrem.DockerHost, p.Name, alerting.Event{
		Alert: "DeployFailed", Project: p.Name, Target: p.OnPrem.Environment, Instance: commit, Summary: message,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "told %s: %s\n", alerting.AlertmanagerContainer(p.Name), message)
	return nil
}
