package stacks

import (
	"testing"

	"github.com/homecloud-dev/fullstack/config"
)

func TestMonitoringRunsWithAppsUnlessDisabled(t *testing.T) {
	withApps := &config.Project{Name: "shop", Apps: []config.App{{Name: "orders"}}}
	if !withApps.Monitored() {
		t.Error("a stack with apps is not monitored")
	}
	if (&config.Project{Name: "shop"}).Monitored() {
		t.Error("a stack without apps is monitored (nothing to probe)")
	}
	withApps.OnPrem.Monitoring.Disabled = true
	if withApps.Monitored() || containerOptions(withApps).Alertmanager != "" {
		t.Error("onprem.monitoring.disabled still runs the monitoring or tells its Alertmanager")
	}
}
