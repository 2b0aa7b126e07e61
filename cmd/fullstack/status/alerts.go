package status

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
)

// Alert is one alert the home Alertmanager holds now (not silenced).
type Alert struct {
	Name     string    `json:"name"`
	Target   string    `json:"target,omitempty"`
	Severity string    `json:"severity,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	Since    time.Time `json:"since"`
	// Event: a failure that happened (a rollout, a preview, a deploy), not
	// a state that lasts; it does not make status fail.
	Event bool `json:"event,omitempty"`
}

// homeAlerts asks the home Alertmanager (inside its container, through
// its documented API v2) for its active alerts.
func homeAlerts(docker func(...string) ([]byte, error), p *config.Project, r *Report) {
	if !p.Monitored() {
		return
	}
	am := alerting.AlertmanagerContainer(p.Name)
	out, err := docker("exec", am, "wget", "-q", "-O", "-", "http://127.0.0.1:9093/api/v2/alerts?active=true&silenced=false&inhibited=false")
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the home Alertmanager (%s): %v", am, err))
		return
	}
	var alerts []struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
		StartsAt    time.Time         `json:"startsAt"`
	}
	if err := json.Unmarshal(out, &alerts); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the home Alertmanager (%s): %v", am, err))
		return
	}
	r.Alerts = []Alert{} // read: an empty list, not "unknown"
	for _, a := range alerts {
		r.Alerts = append(r.Alerts, Alert{
			Name: a.Labels["alertname"], Target: a.Labels["target"], Severity: a.Labels["severity"],
			Summary: a.Annotations["summary"], Since: a.StartsAt, Event: a.Labels["kind"] == alerting.EventKind,
		})
	}
	sort.Slice(r.Alerts, func(i, j int) bool { return r.Alerts[i].Since.Before(r.Alerts[j].Since) })
}
