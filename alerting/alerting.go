// Package alerting holds what both targets watch and whom they tell: the
// alert thresholds with their defaults, and the receivers (email
// addresses and HTTPS webhooks). It is a leaf package without jsii, so
// that the project file (config) and the constructs share one definition
// and one default for each value.
package alerting

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// Settings are the project file's alerts: section.
type Settings struct {
	// Email addresses that receive every alert. Default none. On AWS each
	// must confirm the subscription SNS mails to it.
	Email []string `yaml:"email"`
	// Webhooks are HTTPS URLs that receive every alert as a POST (SNS's
	// JSON on AWS). Default none.
	Webhooks []string `yaml:"webhooks"`
	// Thresholds of the alarms; each zero field takes its default.
	Thresholds Thresholds `yaml:"thresholds"`
}

// Thresholds are when an alarm fires. Every alarm looks at 5-minute
// periods and fires after EvaluationPeriods of them in a row, so a
// single spike does not page anyone.
type Thresholds struct {
	// Service5xxPercent: the share of a service's requests answered 5xx
	// by its tasks, in percent (0-100]. Default 5.
	Service5xxPercent float64 `yaml:"service_5xx_percent"`
	// ServiceP99Seconds: the 99th percentile of the target response time,
	// in seconds. Default 2.
	ServiceP99Seconds float64 `yaml:"service_p99_seconds"`
	// ServiceCPUPercent and ServiceMemoryPercent: a service's average
	// utilisation of its task size. Default 90 each.
	ServiceCPUPercent    float64 `yaml:"service_cpu_percent"`
	ServiceMemoryPercent float64 `yaml:"service_memory_percent"`
	// DatabaseCPUPercent: a database instance's CPU. Default 90.
	DatabaseCPUPercent float64 `yaml:"database_cpu_percent"`
	// DatabaseFreeStorageGiB: the alarm fires below it. Default 2.
	DatabaseFreeStorageGiB float64 `yaml:"database_free_storage_gib"`
	// DatabaseConnections: the alarm fires above it (a db.t4g.micro
	// allows about 80). Default 60.
	DatabaseConnections int `yaml:"database_connections"`
	// Distribution5xxPercent: CloudFront's share of 5xx answers to
	// viewers. Default 5.
	Distribution5xxPercent float64 `yaml:"distribution_5xx_percent"`
}

// The defaults of Thresholds, and how the alarms evaluate.
const (
	DefaultService5xxPercent      = 5.0
	DefaultServiceP99Seconds      = 2.0
	DefaultServiceCPUPercent      = 90.0
	DefaultServiceMemoryPercent   = 90.0
	DefaultDatabaseCPUPercent     = 90.0
	DefaultDatabaseFreeStorageGiB = 2.0
	DefaultDatabaseConnections    = 60
	DefaultDistribution5xxPercent = 5.0
	// PeriodSeconds is the length of one evaluation period.
	PeriodSeconds = 300
	// EvaluationPeriods in a row over the threshold fire an alarm.
	EvaluationPeriods = 2
)

// WithDefaults returns t with every zero field at its default.
func (t Thresholds) WithDefaults() Thresholds {
	setDefault(&t.Service5xxPercent, DefaultService5xxPercent)
	setDefault(&t.ServiceP99Seconds, DefaultServiceP99Seconds)
	setDefault(&t.ServiceCPUPercent, DefaultServiceCPUPercent)
	setDefault(&t.ServiceMemoryPercent, DefaultServiceMemoryPercent)
	setDefault(&t.DatabaseCPUPercent, DefaultDatabaseCPUPercent)
	setDefault(&t.DatabaseFreeStorageGiB, DefaultDatabaseFreeStorageGiB)
	setDefault(&t.Distribution5xxPercent, DefaultDistribution5xxPercent)
	setDefault(&t.DatabaseConnections, DefaultDatabaseConnections)
	return t
}

// setDefault sets *v to def when it is the zero value.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Problem is one invalid setting: its field (relative to alerts.), the
// value and the rule.
type Problem struct {
	Field string
	Value any
	Rule  string
}

// Check returns every problem of s (after WithDefaults), at once.
func (s Settings) Check() []Problem {
	var out []Problem
	add := func(field string, value any, rule string, args ...any) {
		out = append(out, Problem{Field: field, Value: value, Rule: fmt.Sprintf(rule, args...)})
	}
	for i, e := range s.Email {
		if rule := EmailRule(e); rule != "" {
			add(fmt.Sprintf("email[%d]", i), e, "%s", rule)
		}
	}
	for i, w := range s.Webhooks {
		if rule := WebhookRule(w); rule != "" {
			add(fmt.Sprintf("webhooks[%d]", i), w, "%s", rule)
		}
	}
	t := s.Thresholds
	percent := func(field string, v float64) {
		if v <= 0 || v > 100 {
			add("thresholds."+field, v, "is a percentage: more than 0, at most 100")
		}
	}
	percent("service_5xx_percent", t.Service5xxPercent)
	percent("service_cpu_percent", t.ServiceCPUPercent)
	percent("service_memory_percent", t.ServiceMemoryPercent)
	percent("database_cpu_percent", t.DatabaseCPUPercent)
	percent("distribution_5xx_percent", t.Distribution5xxPercent)
	if t.ServiceP99Seconds <= 0 || t.ServiceP99Seconds > 60 {
		add("thresholds.service_p99_seconds", t.ServiceP99Seconds, "must be more than 0 and at most 60 (the load balancer's idle timeout)")
	}
	if t.DatabaseFreeStorageGiB <= 0 {
		add("thresholds.database_free_storage_gib", t.DatabaseFreeStorageGiB, "must be more than 0")
	}
	if t.DatabaseConnections < 1 {
		add("thresholds.database_connections", t.DatabaseConnections, "must be at least 1")
	}
	return out
}

// EmailRule says why address cannot receive alerts ("" when it can): a
// bare address, no display name.
func EmailRule(address string) string {
	a, err := mail.ParseAddress(address)
	if err != nil || a.Address != address || !strings.Contains(address[strings.LastIndex(address, "@"):], ".") {
		return "is not an email address (name@example.com)"
	}
	return ""
}

// WebhookRule says why u cannot receive alerts ("" when it can): an
// absolute https:// URL with a host, since alerts leave the network.
func WebhookRule(u string) string {
	parsed, err := url.Parse(u)
	switch {
	case err != nil || parsed.Host == "":
		return "is not an absolute URL (https://hooks.example.com/...)"
	case parsed.Scheme != "https":
		return "must be https://: alerts cross the internet"
	case parsed.User != nil:
		return "must not carry credentials in the URL: put a token in its path or query"
	}
	return ""
}
