package stacks

import (
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/monitoring"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// newMonitoring watches staging: each app's health path and each site
// through the front proxy, the registry, PostgreSQL and its backups; it
// tells the project's alert receivers.
func newMonitoring(stack cdktf.TerraformStack, p *config.Project, o *OnPrem) (*monitoring.Monitoring, error) {
	m := p.OnPrem.Monitoring
	var targets []monitoring.Target
	for _, a := range p.Apps {
		kind, path := monitoring.KindApp, a.HealthCheckPath
		if a.Kind == config.KindSite {
			kind, path = monitoring.KindSite, "/"
		}
		targets = append(targets, monitoring.Target{Kind: kind, Name: a.Name, Address: o.Proxy.URL(a.Name) + path})
	}
	conn := o.Postgres.Connection()
	targets = append(targets,
		monitoring.Target{Kind: monitoring.KindRegistry, Name: "registry", Address: o.Registry.InternalURL() + "/v2/"},
		monitoring.Target{Kind: monitoring.KindPostgres, Name: "postgres", Address: conn.InternalHost + ":" + strconv.Itoa(conn.InternalPort)},
	)
	receivers := monitoring.Receivers{Email: p.Alerts.Email, Webhooks: p.Alerts.Webhooks}
	if m.WebhookCAFile != "" {
		pem, err := os.ReadFile(p.Path(m.WebhookCAFile))
		if err != nil {
			return nil, fmt.Errorf("onprem.monitoring.webhook_ca_file: %w", err)
		}
		receivers.WebhookCA = string(pem)
	}
	props := monitoring.Props{
		Project: p.Name, Environment: p.OnPrem.Environment, Network: o.Network,
		Targets: targets, Settings: m, Receivers: receivers,
		BackupVolume: o.PostgresBackup.Volume.Name(),
		Options:      containerOptions(p),
	}
	if m.SMTP.Username != "" {
		v, err := providers.SecretVariable(stack, config.SMTPPasswordVariable, "password of onprem.monitoring.smtp.username at the SMTP server", 1)
		if err != nil {
			return nil, err
		}
		props.SMTPPassword = v.StringValue()
	}
	return monitoring.New(stack, "monitoring", props)
}
