package monitoring

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/homecloud-dev/fullstack/alerting"
)

// scrapeJob is one scrape_configs entry of prometheus.yml.
type scrapeJob struct {
	JobName       string         `yaml:"job_name"`
	MetricsPath   string         `yaml:"metrics_path,omitempty"`
	Params        map[string]any `yaml:"params,omitempty"`
	StaticConfigs []staticConfig `yaml:"static_configs"`
	Relabel       []relabel      `yaml:"relabel_configs,omitempty"`
}

type staticConfig struct {
	Targets []string          `yaml:"targets"`
	Labels  map[string]string `yaml:"labels,omitempty"`
}

type relabel struct {
	SourceLabels []string `yaml:"source_labels,omitempty"`
	TargetLabel  string   `yaml:"target_label"`
	Replacement  string   `yaml:"replacement,omitempty"`
}

// evaluationInterval: the rules are few and cheap; evaluating them often
// keeps an alert's delay close to its for: duration.
const evaluationInterval = "5s"

// PrometheusConfig renders prometheus.yml: every target probed through
// the blackbox exporter (labelled kind and target), the node exporter
// (backup results, disk), and the monitoring containers themselves.
func PrometheusConfig(project, environment string, h alerting.Home, targets []Target) string {
	jobs := map[string]*scrapeJob{}
	var order []string
	for _, t := range targets {
		module := t.Kind.module()
		job, ok := jobs[module]
		if !ok {
			job = &scrapeJob{
				JobName: "probe-" + module, MetricsPath: "/probe",
				Params: map[string]any{"module": []string{module}},
				// The target is the blackbox exporter's parameter; the
				// exporter is the address scraped.
				Relabel: []relabel{
					{SourceLabels: []string{"__address__"}, TargetLabel: "__param_target"},
					{SourceLabels: []string{"__param_target"}, TargetLabel: "instance"},
					{TargetLabel: "__address__", Replacement: hostPort(BlackboxName(project), blackboxPort)},
				},
			}
			jobs[module] = job
			order = append(order, module)
		}
		job.StaticConfigs = append(job.StaticConfigs, staticConfig{
			Targets: []string{t.Address}, Labels: map[string]string{"kind": string(t.Kind), "target": t.Name},
		})
	}
	var scrape []scrapeJob
	for _, m := range order {
		scrape = append(scrape, *jobs[m])
	}
	self := func(job, host string, port int) scrapeJob {
		return scrapeJob{JobName: job, StaticConfigs: []staticConfig{{Targets: []string{hostPort(host, port)}, Labels: map[string]string{"target": job}}}}
	}
	scrape = append(scrape,
		self("node", NodeExporterName(project), nodeExporterPort),
		self("blackbox", BlackboxName(project), blackboxPort),
		self("alertmanager", alerting.AlertmanagerContainer(project), alertmanagerPort),
		self("prometheus", "127.0.0.1", prometheusPort),
	)
	cfg := map[string]any{
		"global": map[string]any{
			"scrape_interval":     h.ProbeInterval,
			"evaluation_interval": evaluationInterval,
			"scrape_timeout":      fmt.Sprintf("%ds", min(10, alerting.Seconds(h.ProbeInterval))),
			"external_labels":     map[string]string{"project": project, "environment": environment},
		},
		"alerting": map[string]any{"alertmanagers": []any{map[string]any{
			"static_configs": []staticConfig{{Targets: []string{hostPort(alerting.AlertmanagerContainer(project), alertmanagerPort)}}},
		}}},
		"rule_files":     []string{rulesFile},
		"scrape_configs": scrape,
	}
	return marshal(cfg)
}

func marshal(v any) string {
	out, err := yaml.Marshal(v)
	if err != nil {
		panic(err) // only maps, slices and strings: cannot fail
	}
	return string(out)
}
