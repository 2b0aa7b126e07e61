package monitoring

import (
	"github.com/homecloud-dev/fullstack/alerting"
)

// Receivers are whom Alertmanager tells: the project file's alerts.email
// and alerts.webhooks, the same as on AWS.
type Receivers struct {
	Email    []string
	Webhooks []string
	// WebhookCA is PEM text of extra authorities the webhooks' TLS
	// certificates may chain to. Default none: the system's roots.
	WebhookCA string
}

// SMTPPasswordPlaceholder stands for the SMTP password in the rendered
// configuration until New puts the (sensitive) variable's value there.
const SMTPPasswordPlaceholder = "SMTP_PASSWORD_PLACEHOLDER"

// Notification timings: the first message of a group waits groupWait for
// its companions, later changes (and "resolved") groupInterval; an alert
// still firing is repeated every repeatInterval.
const (
	groupWait      = "10s"
	groupInterval  = "30s"
	repeatInterval = "4h"
)

// AlertmanagerConfig renders alertmanager.yml: every alert to every
// receiver, grouped per alert and target; events (kind="event") without
// a "resolved" message.
func AlertmanagerConfig(h alerting.Home, r Receivers) string {
	global := map[string]any{"resolve_timeout": "5m"}
	if s := h.SMTP; s.Smarthost != "" {
		global["smtp_smarthost"] = s.Smarthost
		global["smtp_from"] = s.From
		global["smtp_require_tls"] = true
		if s.Username != "" {
			global["smtp_auth_username"] = s.Username
			global["smtp_auth_password"] = SMTPPasswordPlaceholder
		}
	}
	receiver := func(name string, resolved bool) map[string]any {
		out := map[string]any{"name": name}
		var hooks, mails []any
		for _, u := range r.Webhooks {
			hook := map[string]any{"url": u, "send_resolved": resolved}
			if r.WebhookCA != "" {
				hook["http_config"] = map[string]any{"tls_config": map[string]any{"ca_file": webhookCAFile}}
			}
			hooks = append(hooks, hook)
		}
		for _, e := range r.Email {
			mails = append(mails, map[string]any{"to": e, "send_resolved": resolved})
		}
		if len(hooks) > 0 {
			out["webhook_configs"] = hooks
		}
		if len(mails) > 0 {
			out["email_configs"] = mails
		}
		return out
	}
	return marshal(map[string]any{
		"global": global,
		"route": map[string]any{
			"receiver": "home", "group_by": []string{"alertname", "target"},
			"group_wait": groupWait, "group_interval": groupInterval, "repeat_interval": repeatInterval,
			"routes": []any{map[string]any{"matchers": []string{`kind="` + alerting.EventKind + `"`}, "receiver": "home-events"}},
		},
		"receivers": []any{receiver("home", true), receiver("home-events", false)},
	})
}
