package alerting

import (
	"fmt"
	"strings"
	"testing"
)

func TestDefaultsApplyToZeroFieldsOnly(t *testing.T) {
	got := Thresholds{ServiceP99Seconds: 0.5}.WithDefaults()
	if got.ServiceP99Seconds != 0.5 || got.Service5xxPercent != DefaultService5xxPercent || got.DatabaseConnections != DefaultDatabaseConnections {
		t.Errorf("defaults: %+v", got)
	}
	if p := (Settings{Thresholds: Thresholds{}.WithDefaults()}).Check(); len(p) != 0 {
		t.Errorf("the defaults are invalid: %v", p)
	}
}

func TestEveryBadSettingIsReported(t *testing.T) {
	s := Settings{
		Email:    []string{"ops@example.com", "Ops <ops@example.com>", "not-an-address"},
		Webhooks: []string{"https://hooks.example.com/x", "http://hooks.example.com/x", "hooks.example.com", "https://u:p@hooks.example.com/"},
		Thresholds: Thresholds{Service5xxPercent: 120, ServiceP99Seconds: -1, DatabaseFreeStorageGiB: -2, DatabaseConnections: -1,
			ServiceCPUPercent: 90, ServiceMemoryPercent: 90, DatabaseCPUPercent: 90, Distribution5xxPercent: 5},
	}
	var got []string
	for _, p := range s.Check() {
		got = append(got, fmt.Sprintf("%s %v: %s", p.Field, p.Value, p.Rule))
	}
	for _, want := range []string{
		"email[1] Ops <ops@example.com>: is not an email address",
		"email[2] not-an-address: is not an email address",
		"webhooks[1] http://hooks.example.com/x: must be https://",
		"webhooks[2] hooks.example.com: is not an absolute URL",
		"webhooks[3] https://u:p@hooks.example.com/: must not carry credentials",
		"thresholds.service_5xx_percent 120: is a percentage",
		"thresholds.service_p99_seconds -1: must be more than 0",
		"thresholds.database_free_storage_gib -2: must be more than 0",
		"thresholds.database_connections -1: must be at least 1",
	} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("missing %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(got) != 9 {
		t.Errorf("%d problems, want 9:\n%s", len(got), strings.Join(got, "\n"))
	}
}
