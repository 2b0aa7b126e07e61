package alerting

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// AlertmanagerContainer is the home server's Alertmanager container of
// project's staging; rollouts, previews and failed deploys tell it.
func AlertmanagerContainer(project string) string { return project + "-alertmanager" }

// EventKind labels an alert that reports an event, not a state: the
// home Alertmanager sends it without a later "resolved".
const EventKind = "event"

// Event is something that failed at home and leaves no state for
// Prometheus to watch: a deploy, a rollout, a preview.
type Event struct {
	// Alert names it: DeployFailed, RolloutFailed, PreviewFailed.
	Alert string
	// Project is the environment's name (<project>, <project>-pr-<n>).
	Project string
	// Target is what failed (an app, pr-<n>, staging).
	Target string
	// Instance tells one occurrence from the next (a container, a
	// commit), so a repeat is not taken for the same alert.
	Instance string
	// Summary is the message a person reads.
	Summary string
}

// DockerExecArgs are the arguments of `docker` that post e with amtool
// inside the Alertmanager container (no host port needed).
func (e Event) DockerExecArgs(alertmanager string) []string {
	return []string{"exec", alertmanager, "amtool", "alert", "add", "--alertmanager.url=http://127.0.0.1:9093", e.Alert,
		"kind=" + EventKind, "severity=warning", "project=" + e.Project, "target=" + e.Target, "instance=" + e.Instance,
		"--annotation=summary=" + e.Summary}
}

// notifyTimeout bounds one notification: a failure report must not hang
// the command that failed.
const notifyTimeout = 30 * time.Second

// Notify posts e to the Alertmanager container of project on the Docker
// engine at dockerHost.
func Notify(dockerHost, project string, e Event) error {
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	args := append([]string{"-H", dockerHost}, e.DockerExecArgs(AlertmanagerContainer(project))...)
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("tell Alertmanager %s: %w: %s", AlertmanagerContainer(project), err, strings.TrimSpace(string(out)))
	}
	return nil
}
