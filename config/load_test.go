package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/alerting"
)

const validYAML = `project: shop
cloud:
  region: eu-west-1
  vpc_cidr: 10.20.0.0/16
apps:
  - name: orders
    kind: api
    database: true
    env:
      LOG_LEVEL: info
  - name: web
    kind: site
    site: {api: orders, min_ttl: 0}
`

// projectDir is a project directory holding migrations for "orders" and
// any extra files given (path relative to the directory => content).
func projectDir(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"migrations/orders/V1__create_orders.sql": "create table orders (id int);",
		"apps/orders/Dockerfile":                  "FROM scratch",
		"apps/web/index.html":                     "<!doctype html>",
	}
	for k, v := range extra {
		files[k] = v
	}
	for rel, content := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestParseAppliesDefaults(t *testing.T) {
	p, err := Parse(filepath.Join(projectDir(t, nil), "fullstack.yaml"), []byte(validYAML))
	if err != nil {
		t.Fatalf("valid project rejected: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"onprem.environment", p.OnPrem.Environment, "staging"},
		{"onprem.network.name", p.OnPrem.Network.Name, "shop-platform"},
		{"onprem.registry.port", p.OnPrem.Registry.Port, 5000},
		{"onprem.registry.bind_address", p.OnPrem.Registry.BindAddress, "127.0.0.1"},
		{"onprem.postgres.port", p.OnPrem.Postgres.Port, 5432},
		{"onprem.postgres.version", p.OnPrem.Postgres.Version, "16"},
		{"onprem.postgres.image_tag", p.OnPrem.Postgres.ImageTag, "16.6-bookworm"},
		{"onprem.postgres.bind_address", p.OnPrem.Postgres.BindAddress, "127.0.0.1"},
		{"onprem.registry.image", p.OnPrem.Registry.Image, "registry:2.8.3"},
		{"onprem.registry.backup.schedule", p.OnPrem.Registry.Backup.Schedule, "17 3 * * *"},
		{"onprem.registry.backup.keep", p.OnPrem.Registry.Backup.Keep, 7},
		{"onprem.previews", p.OnPrem.Previews, Previews{Domain: "localhost", Port: 8090, Max: 3, MaxAgeDays: 7, ConnectionLimit: 10, CPUShares: 256}},
		{"onprem.monitoring", p.OnPrem.Monitoring, alerting.Home{PrometheusPort: 9090, AlertmanagerPort: 9093, ProbeInterval: "15s", DownAfter: "30s", RetentionDays: 15, BackupOverdueHours: 26, DiskFreePercent: 10}},
		{"onprem.log_max_size", p.OnPrem.LogMaxSize, "10m"},
		{"onprem.state_dir", p.OnPrem.StateDir, "~/.local/state/fullstack/shop-staging"},
		{"onprem.postgres.backup.time", p.OnPrem.Postgres.Backup.Time, "03:47"},
		{"onprem.postgres.backup.keep", p.OnPrem.Postgres.Backup.Keep, 7},
		{"onprem.offsite.keep_daily", p.OnPrem.Offsite.KeepDaily, 7},
		{"onprem.offsite.keep_weekly", p.OnPrem.Offsite.KeepWeekly, 4},
		{"onprem.offsite.keep_monthly", p.OnPrem.Offsite.KeepMonthly, 12},
		{"cloud.environment", p.Cloud.Environment, "production"},
		{"cloud.availability_zones", strings.Join(p.Cloud.AvailabilityZones, ","), "eu-west-1a,eu-west-1b"},
		{"cloud.github.branch", p.Cloud.GitHub.Branch, "main"},
		{"apps[0].port", p.Apps[0].Port, 8080},
		{"apps[0].health_check_path", p.Apps[0].HealthCheckPath, "/healthz"},
		{"apps[0].source", p.Apps[0].Source, "apps/orders"},
		{"apps[0].size.memory", p.Apps[0].Size.Memory, 512},
		{"apps[1].port", p.Apps[1].Port, 80},
		{"apps[1].health_check_path", p.Apps[1].HealthCheckPath, "/"},
		{"apps[1].size.max_count", p.Apps[1].Size.MaxCount, 2},
		{"apps[1].site.min_ttl (explicit 0 allowed)", *p.Apps[1].Site.MinTTL, 0},
		{"apps[1].site.default_ttl", *p.Apps[1].Site.DefaultTTL, 3600},
		{"apps[1].site.max_ttl", *p.Apps[1].Site.MaxTTL, 86400},
		{"cloud.nat (production)", p.Cloud.NAT, NATSingle},
		{"cloud.log_retention_days", p.Cloud.LogRetentionDays, 30},
		{"cloud.ecr.keep_tagged_images", p.Cloud.ECR.KeepTaggedImages, 30},
		{"cloud.ecr.untagged_expiry_days", p.Cloud.ECR.UntaggedExpiryDays, 7},
		{"cloud.ecr.mutable_tags", p.Cloud.ECR.MutableTags, false},
		{"cloud.database.instance_class", p.Cloud.Database.InstanceClass, "db.t4g.micro"},
		{"cloud.database.allocated_storage", p.Cloud.Database.AllocatedStorage, 20},
		{"cloud.database.max_allocated_storage", p.Cloud.Database.MaxAllocatedStorage, 100},
		{"cloud.database.backup_retention_days", p.Cloud.Database.BackupRetentionDays, 7},
		{"cloud.database.disposable", p.Cloud.Database.Disposable, false},
		{"migrations", p.Migrations, "migrations"},
		{"cloud.interface_endpoints", p.Cloud.InterfaceEndpoints, false},
		{"cloud.security.waf.enabled", p.Cloud.Security.WAF.Enabled, false},
		{"cloud.security.waf.rate_limit", p.Cloud.Security.WAF.RateLimit, 2000},
		{"cloud.security.access_logs.enabled", p.Cloud.Security.AccessLogs.Enabled, false},
		{"cloud.security.access_logs.retention_days", p.Cloud.Security.AccessLogs.RetentionDays, 90},
		{"cloud.security.kms", p.Cloud.Security.KMS, false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("want a missing-file error naming the file, got %v", err)
	}
}

func TestLoadReadsFile(t *testing.T) {
	path := filepath.Join(projectDir(t, nil), "p.yaml")
	if err := os.WriteFile(path, []byte(validYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil || p.Name != "shop" {
		t.Fatalf("Load = %v, %v", p, err)
	}
}

// TestBadInput checks that each kind of bad input is reported with the file,
// line, field path, value and rule.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // each must appear in the error text
	}{
		{"yaml syntax", "project: shop\napps:\n  - name: [unclosed\n", []string{"fullstack.yaml:2: YAML: syntax error: did not find expected"}},
		{"empty file", "", []string{"fullstack.yaml: project file: is empty"}},
		{"unknown key with suggestion", "project: shop\napps:\n  - nmae: orders\n    kind: api\n", []string{`fullstack.yaml:3: apps[0].nmae: is not a known key here (did you mean "name"?)`}},
		{"unknown top-level key", "project: shop\nfoo: 1\n", []string{`fullstack.yaml:2: foo: is not a known key here (known keys: alerts, apps, cloud, migrations, onprem, project, release)`}},
		{"wrong type", "project: shop\napps:\n  - name: a\n    kind: api\n    port: eighty-eighty-eighty-eighty-eighty\n", []string{`fullstack.yaml:5: apps[0].port: "eighty-eighty-eighty-eighty-eighty" is a text, but this field takes a whole number (e.g. 8080), within range`}},
		{"number out of range", "project: shop\napps:\n  - name: a\n    kind: api\n    port: 99999999999999999999\n", []string{`fullstack.yaml:5: apps[0].port: "99999999999999999999" is a number, but this field takes a whole number`}},
		{"app named like the registry", "project: shop\napps:\n  - {name: registry, kind: api}\n", []string{`apps[0].name: "registry" is taken by the platform`}},
		{"app named like a flyway run", "project: shop\napps:\n  - {name: orders-flyway, kind: api}\n", []string{`apps[0].name: "orders-flyway" is taken by the platform`}},
		{"migrations leave the project", "project: shop\nmigrations: ../../etc\n", []string{`fullstack.yaml:2: migrations: "../../etc" must be a directory inside the project`}},
		{"absolute migrations", "project: shop\nmigrations: /srv/migrations\n", []string{`migrations: "/srv/migrations" must be a directory inside the project`}},
		{"yes as a boolean", "project: shop\napps:\n  - {name: a, kind: api, database: yes}\n", []string{`fullstack.yaml:3: apps[0].database: "yes" is not a boolean here: write true or false`}},
		{"second document", "project: shop\n---\nproject: other\n", []string{`fullstack.yaml:2: YAML: a second document (after ---) would be ignored`}},
		{"type error and rule error together", "project: shop\napps:\n  - name: a\n    kind: api\n    port: eighty\n  - name: Bad_Name\n    kind: api\n", []string{`apps[0].port: "eighty" is a text`, `apps[1].name: "Bad_Name" is not a lowercase DNS label`}},
		{"missing project", "apps: []\n", []string{"project: is required"}},
		{"alert receivers and thresholds", "project: shop\nalerts:\n  email: [ops]\n  webhooks: [\"http://hooks.example.com/a\"]\n  thresholds:\n    service_5xx_percent: 200\n    database_connections: -3\n", []string{
			`fullstack.yaml:3: alerts.email[0]: "ops" is not an email address (name@example.com)`,
			`fullstack.yaml:4: alerts.webhooks[0]: "http://hooks.example.com/a" must be https://: alerts cross the internet`,
			`fullstack.yaml:6: alerts.thresholds.service_5xx_percent: "200" is a percentage: more than 0, at most 100`,
			`fullstack.yaml:7: alerts.thresholds.database_connections: -3 must be at least 1`}},
		{"home monitoring", "project: shop\nalerts:\n  email: [ops@example.com]\nonprem:\n  monitoring:\n    probe_interval: 2s\n    down_after: soon\n    alertmanager_port: 9090\n    disk_free_percent: 100\n    webhook_ca_file: no-such-ca.pem\n", []string{
			`fullstack.yaml:6: onprem.monitoring.probe_interval: "2s" must be whole seconds from 5s to 5m (e.g. 15s)`,
			`fullstack.yaml:7: onprem.monitoring.down_after: "soon" must be whole seconds from 0s to 1h (e.g. 30s)`,
			`fullstack.yaml:8: onprem.monitoring.alertmanager_port: 9090 conflicts with prometheus_port`,
			`fullstack.yaml:9: onprem.monitoring.disk_free_percent: "100" is a percentage: more than 0, less than 100`,
			`onprem.monitoring.smtp.smarthost: "" is required: alerts.email lists 1 address(es), and the home server's Alertmanager sends mail through an SMTP server`,
			`fullstack.yaml:10: onprem.monitoring.webhook_ca_file: "no-such-ca.pem" cannot be read: no such file or directory`}},
		{"monitoring port taken by the registry", "project: shop\nonprem:\n  registry:\n    port: 9093\n", []string{`onprem.monitoring.alertmanager_port: 9093 conflicts with onprem.registry.port`}},
		{"duplicate app names", "project: shop\napps:\n  - {name: orders, kind: api}\n  - {name: orders, kind: site}\n", []string{`fullstack.yaml:4: apps[1].name: "orders" is already the name of apps[0]`}},
		{"app name not a dns label", "project: shop\napps:\n  - {name: Orders_API, kind: api}\n", []string{`apps[0].name: "Orders_API" is not a lowercase DNS label`}},
		{"app name double hyphen", "project: shop\napps:\n  - {name: a--b, kind: api}\n", []string{`apps[0].name: "a--b" is not a lowercase DNS label`}},
		{"app name too long for target group", "project: shopfront\napps:\n  - {name: product-recommendations, kind: api}\n", []string{`apps[0].name: "product-recommendations" gives target group name "shopfront-product-recommendations" (33 chars)`, "longer than the limit of 32"}},
		{"project too long for load balancer", "project: a-very-long-project-name-here\n", []string{`project: "a-very-long-project-name-here" gives load balancer name`}},
		{"invalid cidr", "project: shop\ncloud:\n  vpc_cidr: 10.0.0.0/33\n", []string{`fullstack.yaml:3: cloud.vpc_cidr: "10.0.0.0/33" is not an IPv4 CIDR block`}},
		{"cidr host bits", "project: shop\ncloud:\n  vpc_cidr: 10.0.0.1/16\n", []string{`cloud.vpc_cidr: "10.0.0.1/16" has host bits set: the network address is 10.0.0.0/16`}},
		{"cidr public", "project: shop\ncloud:\n  vpc_cidr: 8.8.0.0/16\n", []string{`cloud.vpc_cidr: "8.8.0.0/16" is not inside a private range`}},
		{"cidr too small", "project: shop\ncloud:\n  vpc_cidr: 10.0.0.0/26\n", []string{`cloud.vpc_cidr: "10.0.0.0/26" must have a prefix length from /16 to /24`}},
		{"port out of range", "project: shop\napps:\n  - {name: orders, kind: api, port: 70000}\n", []string{"fullstack.yaml:3: apps[0].port: 70000 is not a valid TCP port"}},
		{"registry port out of range", "project: shop\nonprem:\n  registry:\n    port: -1\n", []string{"fullstack.yaml:4: onprem.registry.port: -1 is not a valid TCP port"}},
		{"postgres backup time", "project: shop\nonprem:\n  postgres:\n    backup:\n      time: \"25:00\"\n", []string{`fullstack.yaml:5: onprem.postgres.backup.time: "25:00" is not a time of day HH:MM`}},
		{"postgres backup keep", "project: shop\nonprem:\n  postgres:\n    backup:\n      keep: -2\n", []string{`onprem.postgres.backup.keep: -2 must keep at least 1 backup`}},
		{"relative state dir", "project: shop\nonprem:\n  state_dir: state\n", []string{`fullstack.yaml:3: onprem.state_dir: "state" must be absolute or start with ~/`}},
		{"port conflict", "project: shop\nonprem:\n  registry:\n    port: 5432\n", []string{"onprem.postgres.port: 5432 conflicts with onprem.registry.port"}},
		{"numbers only YAML reads as numbers", "project: shop\ncloud:\n  database: {backup_retention_days: 00, allocated_storage: 0x20, max_allocated_storage: -0}\n" +
			"apps:\n  - {name: web, kind: site, site: {min_ttl: 0o7}}\n", []string{
			`cloud.database.backup_retention_days: 00 is not a plain decimal number`,
			`cloud.database.allocated_storage: 0x20 is not a plain decimal number`,
			`cloud.database.max_allocated_storage: -0 is not allowed: give a positive value`,
			`apps[0].site.min_ttl: 0o7 is not a plain decimal number`}},
		{"a top level that is not a mapping", "just text\n", []string{
			`project file: is a text, but a project file is a mapping of keys (project:, onprem:, cloud:, apps:)`}},
		{"a list where text goes", "project: [a]\nonprem: [1]\n", []string{
			`project: is a list, but this field takes text`, `onprem: is a list, but this field takes a mapping (key: value lines)`}},
		{"names AWS and PostgreSQL reserve", "project: internal\napps:\n  - {name: none, kind: api, database: true}\n  - {name: current-user, kind: api, database: true}\n", []string{
			`project: "internal" gives load balancer name "internal-production", and AWS refuses one beginning with "internal-": rename the project`,
			`apps[0].database: "none" is the app's database and role name, and it is reserved`,
			`apps[1].database: "current_user" is the app's database and role name, and it is reserved`}},
		{"a subnet on Docker's default bridge", "project: shop\nonprem:\n  network: {subnet: 172.16.0.0/12}\n", []string{
			`onprem.network.subnet: "172.16.0.0/12" overlaps Docker's default bridge network 172.17.0.0/16`}},
		{"an environment larger than ECS takes", "project: shop\napps:\n  - name: api\n    kind: api\n    env:\n      BIG: " + strings.Repeat("x", 62000) + "\n", []string{
			`apps[0].env: "1 variables, 62026 bytes" is larger than an ECS task definition holds`}},
		{"previews", "project: shop\nonprem:\n  previews:\n    domain: \"*.example.com\"\n    port: 5000\n    max: 21\n    max_age_days: -1\n    connection_limit: -1\n    cpu_shares: 1\n", []string{
			`onprem.previews.domain: "*.example.com" is not a DNS name`, "onprem.previews.port: 5000 conflicts with onprem.registry.port",
			"onprem.previews.max: 21 must be 1-20", "onprem.previews.max_age_days: -1 must be at least 1 day",
			"fullstack.yaml:8: onprem.previews.connection_limit: -1 must be at least 1 connection",
			"fullstack.yaml:9: onprem.previews.cpu_shares: 1 must be 2-262144"}},
		{"preview port taken by an app", "project: shop\napps:\n  - name: web\n    kind: site\n    host_port: 8090\n", []string{
			"apps[0].host_port: 8090 conflicts with onprem.previews.port"}},
		{"unknown kind", "project: shop\napps:\n  - {name: orders, kind: worker}\n", []string{`apps[0].kind: "worker" is not an app kind: use one of api, site, model`}},
		{"region not aws form", "project: shop\ncloud:\n  region: europe\n", []string{`fullstack.yaml:3: cloud.region: "europe" is not an AWS region name`}},
		{"zone outside region", "project: shop\ncloud:\n  region: eu-west-1\n  availability_zones: [eu-west-1a, us-east-1b]\n", []string{`cloud.availability_zones[1]: "us-east-1b" is not a zone of region eu-west-1`}},
		{"one zone", "project: shop\ncloud:\n  availability_zones: [us-east-1a]\n", []string{`cloud.availability_zones: "us-east-1a" must list at least 2 zones`}},
		{"bind address", "project: shop\nonprem:\n  registry:\n    bind_address: localhost:5000\n", []string{`onprem.registry.bind_address: "localhost:5000" is not an IP address`}},
		{"github half set", "project: shop\ncloud:\n  github:\n    owner: acme\n", []string{`cloud.github: "acme/" needs both owner and repo`}},
		{"github branch wildcard", "project: shop\ncloud:\n  github:\n    owner: acme\n    repo: shop\n    branch: '*'\n", []string{`cloud.github.branch: "*" would trust every branch`}},
		{"fargate memory", "project: shop\napps:\n  - name: orders\n    kind: api\n    size: {cpu: 256, memory: 4096}\n", []string{`apps[0].size.memory: 4096 is not a Fargate memory size for 256 CPU units`}},
		{"counts out of order", "project: shop\napps:\n  - name: orders\n    kind: api\n    size: {min_count: 3, max_count: 2}\n", []string{`apps[0].size: "3/1/2" counts (min/desired/max) must satisfy`}},
		{"env name", "project: shop\napps:\n  - name: orders\n    kind: api\n    env: {1BAD: x}\n", []string{`fullstack.yaml:5: apps[0].env.1BAD: "1BAD" is not an environment variable name`}},
		{"emulator endpoint", "project: shop\ncloud:\n  emulator: {endpoint: 'localhost:5000'}\n", []string{`cloud.emulator.endpoint: "localhost:5000" is not an http(s) URL`}},
		{"ca bundle missing", "project: shop\ncloud:\n  emulator: {endpoint: 'https://127.0.0.1:9', ca_bundle: /nonexistent.pem}\n", []string{`cloud.emulator.ca_bundle: "/nonexistent.pem" cannot be read: no such file or directory`}},
		{"ca bundle without emulator", "project: shop\ncloud:\n  emulator: {ca_bundle: /etc/hostname}\n", []string{`cloud.emulator.ca_bundle: "/etc/hostname" needs cloud.emulator.endpoint`}},
		{"lock table without bucket", "project: shop\ncloud:\n  state_backend: {lock_table: locks}\n", []string{`cloud.state_backend.lock_table: "locks" needs cloud.state_backend.bucket`}},
		{"source escapes project", "project: shop\napps:\n  - {name: orders, kind: api, source: ../elsewhere}\n", []string{`apps[0].source: "../elsewhere" must be a directory inside the project`}},
		{"explicit zero", "project: shop\ncloud:\n  ecr: {keep_tagged_images: 0}\n", []string{"fullstack.yaml:3: cloud.ecr.keep_tagged_images: 0 is not allowed"}},
		{"negative expiry", "project: shop\ncloud:\n  ecr: {untagged_expiry_days: -3}\n", []string{"cloud.ecr.untagged_expiry_days: -3 must be at least 1 day"}},
		{"negative keep", "project: shop\ncloud:\n  ecr: {keep_tagged_images: -1}\n", []string{"cloud.ecr.keep_tagged_images: -1 must be at least 1"}},
		{"log retention", "project: shop\ncloud:\n  log_retention_days: 45\n", []string{"fullstack.yaml:3: cloud.log_retention_days: 45 is not a retention CloudWatch accepts: use one of 1, 3, 5"}},
		{"nat strategy", "project: shop\ncloud:\n  nat: two\n", []string{`cloud.nat: "two" is not a NAT strategy`}},
		{"github owner malformed", "project: shop\ncloud:\n  github: {owner: 'acme corp', repo: shop}\n", []string{`cloud.github.owner: "acme corp" is not a GitHub user or organisation name`}},
		{"github repo malformed", "project: shop\ncloud:\n  github: {owner: acme, repo: 'shop/app'}\n", []string{`cloud.github.repo: "shop/app" is not a GitHub repository name`}},
		{"one environment for both roles", "project: shop\ncloud:\n  github: {owner: acme, repo: shop, environment: prod, release_environment: prod}\n", []string{`cloud.github.release_environment: "prod" must differ from cloud.github.environment`}},
		{"wildcard environment", "project: shop\ncloud:\n  github: {owner: acme, repo: shop, environment: 'prod*'}\n", []string{`cloud.github.environment: "prod*" must name one GitHub environment`}},
		{"empty public key", "project: shop\nrelease:\n  public_keys: ['']\n", []string{`release.public_keys[0]: "" is empty: name a cosign public key file`}},
		{"github branch double star", "project: shop\ncloud:\n  github: {owner: acme, repo: shop, branch: '**'}\n", []string{`cloud.github.branch: "**" would trust every branch`}},
		{"oidc arn", "project: shop\ncloud:\n  github: {owner: acme, repo: shop, oidc_provider_arn: 'arn:aws:iam::1:role/x'}\n", []string{`cloud.github.oidc_provider_arn: "arn:aws:iam::1:role/x" is not the ARN`}},
		{"vpc too small for zones", "project: shop\ncloud:\n  region: us-east-1\n  vpc_cidr: 10.0.0.0/24\n  availability_zones: [us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f, us-east-1g, us-east-1h, us-east-1i]\n", []string{"is too small for 18 subnets"}},
		{"postgres bind address", "project: shop\nonprem:\n  postgres: {bind_address: 'home.lan'}\n", []string{`onprem.postgres.bind_address: "home.lan" is not an IP address`}},
		{"backup schedule", "project: shop\nonprem:\n  registry:\n    backup: {schedule: 'every night'}\n", []string{`fullstack.yaml:4: onprem.registry.backup.schedule: "every night" is not a 5-field cron expression`}},
		{"backup schedule out of range", "project: shop\nonprem:\n  registry:\n    backup: {schedule: '61 3 * * *'}\n", []string{`onprem.registry.backup.schedule: "61 3 * * *" is not a 5-field cron`}},
		{"backup keep", "project: shop\nonprem:\n  registry:\n    backup: {keep: -2}\n", []string{`onprem.registry.backup.keep: -2 must keep at least 1 snapshot`}},
		{"offsite bucket without a scheme", "project: shop\nonprem:\n  offsite:\n    repository: s3:s3.amazonaws.com/shop-backups\n", []string{`fullstack.yaml:4: onprem.offsite.repository: "s3:s3.amazonaws.com/shop-backups" has no scheme: write s3:https://<endpoint>/<bucket>[/<path>]`}},
		{"offsite not s3", "project: shop\nonprem:\n  offsite: {repository: 'sftp:backup@nas:/srv/restic'}\n", []string{`onprem.offsite.repository: "sftp:backup@nas:/srv/restic" is not a restic S3 repository`}},
		{"offsite retention of 0", "project: shop\nonprem:\n  offsite:\n    repository: s3:https://s3.amazonaws.com/shop-backups\n    keep_daily: 0\n    keep_monthly: -1\n", []string{
			"fullstack.yaml:5: onprem.offsite.keep_daily: 0 is not allowed", "fullstack.yaml:6: onprem.offsite.keep_monthly: -1 must keep at least 1 snapshot"}},
		{"offsite needs a local engine", "project: shop\nonprem:\n  docker_host: ssh://deploy@home\n  offsite: {repository: 's3:https://s3.amazonaws.com/shop-backups', region: Frank furt}\n", []string{
			`onprem.docker_host: "ssh://deploy@home" is not a local engine`, `onprem.offsite.region: "Frank furt" is not a region name`}},
		{"postgres memory", "project: shop\nonprem:\n  postgres: {memory: 128}\n", []string{`onprem.postgres.memory: 128 must be at least 256 (MiB: PostgreSQL's shared_buffers alone take 128)`}},
		{"aws backup, all at once", "project: shop\ncloud:\n  region: eu-west-2\n  backup:\n    enabled: true\n    schedule: daily\n    retention_days: -1\n    copy_region: eu-west-2\n    restore_test_schedule: 'cron(0 5 * * SUN *)'\n", []string{
			`fullstack.yaml:6: cloud.backup.schedule: "daily" must be an EventBridge cron expression in UTC with six fields`,
			`fullstack.yaml:7: cloud.backup.retention_days: -1 must be at least 1 day`,
			`fullstack.yaml:8: cloud.backup.copy_region: "eu-west-2" is cloud.region itself: a copy must survive the region's loss`,
			`cloud.backup.restore_test_schedule: "cron(0 5 * * SUN *)" must be an EventBridge cron expression`,
			`cloud.backup.enabled: "true" has nothing to back up: no app has a database`}},
		{"aws backup in the RDS window, too often, a drill schedule without the drill", "project: shop\napps:\n  - {name: a, kind: api, database: true}\ncloud:\n  backup: {enabled: true, schedule: 'cron(45 0 * * ? *)', restore_test_schedule: 'cron(0/30 5 ? * SUN *)'}\n", []string{
			`cloud.backup.schedule: "cron(45 0 * * ? *)" starts within an hour of the databases' backup window (00:30-01:00 UTC)`,
			`cloud.backup.restore_test_schedule: "cron(0/30 5 ? * SUN *)" must be an EventBridge cron expression in UTC with six fields, one minute an hour at most`,
			`cloud.backup.restore_test_schedule: "cron(0/30 5 ? * SUN *)" is set without restore_testing: true`}},
		{"aws backup copy places", "project: shop\ncloud:\n  backup: {enabled: true, copy_region: eu-central-1, copy_vault_arn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:far'}\n", []string{
			`cloud.backup.copy_vault_arn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:far" is set with copy_region: copy to one place`}},
		{"aws backup vault arn", "project: shop\ncloud:\n  backup: {enabled: true, copy_vault_arn: 'arn:aws:s3:::bucket'}\n", []string{
			`cloud.backup.copy_vault_arn: "arn:aws:s3:::bucket" must be a backup vault's ARN`}},
		{"aws backup to another account without the project key", "project: shop\ncloud:\n  backup: {enabled: true, copy_vault_arn: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:far'}\n", []string{
			`cloud.backup.copy_vault_arn: "arn:aws:backup:eu-west-1:210987654321:backup-vault:far" needs cloud.security.kms: true`}},
		{"aws backup settings while off", "project: shop\ncloud:\n  backup: {copy_region: eu-central-1}\n", []string{
			`cloud.backup.enabled: "false" is off while other cloud.backup settings are set`}},
		{"registry image latest", "project: shop\nonprem:\n  registry: {image: 'registry:latest'}\n", []string{`onprem.registry.image: "registry:latest" must be an image pinned to a tag`}},
		{"registry image untagged", "project: shop\nonprem:\n  registry: {image: registry}\n", []string{`onprem.registry.image: "registry" must be an image pinned`}},
		{"htpasswd without tls", "project: shop\nonprem:\n  registry: {bind_address: 0.0.0.0, htpasswd: true}\n", []string{`onprem.registry.htpasswd: "true" needs onprem.registry.tls`}},
		{"tls half", "project: shop\nonprem:\n  registry:\n    tls: {cert_file: /etc/ssl/reg.pem}\n", []string{`onprem.registry.tls: "/etc/ssl/reg.pem," needs both cert_file and key_file`}},
		{"postgres tag major", "project: shop\nonprem:\n  postgres: {version: '16', image_tag: '17.2'}\n", []string{`onprem.postgres.image_tag: "17.2" is not a tag of PostgreSQL 16`}},
		{"log size", "project: shop\nonprem:\n  log_max_size: 10MB\n", []string{`onprem.log_max_size: "10MB" is not a Docker log size`}},
		{"instance class", "project: shop\ncloud:\n  database: {instance_class: t3.micro}\n", []string{`cloud.database.instance_class: "t3.micro" is not an RDS instance class`}},
		{"backup retention", "project: shop\ncloud:\n  database: {backup_retention_days: 36}\n", []string{"cloud.database.backup_retention_days: 36 is outside 0-35 days"}},
		{"storage below minimum", "project: shop\ncloud:\n  database: {allocated_storage: 10}\n", []string{"cloud.database.allocated_storage: 10 is outside what RDS PostgreSQL on gp3 accepts: 20 to 65536 GiB"}},
		{"max storage below allocated", "project: shop\ncloud:\n  database: {allocated_storage: 200, max_allocated_storage: 100}\n", []string{"cloud.database.max_allocated_storage: 100 must be from allocated_storage (200)"}},
		{"no dockerfile", "project: shop\napps:\n  - {name: ghost, kind: model}\n", []string{`fullstack.yaml:3: apps[0].source: "apps/ghost" has no Dockerfile`, "model apps are built from one"}},
		{"host port conflict", "project: shop\napps:\n  - {name: a, kind: api}\n  - {name: b, kind: api}\n  - {name: c, kind: api, host_port: 5000}\n", []string{
			"apps[1].host_port: 8080 conflicts with apps[0].host_port", "apps[2].host_port: 5000 conflicts with onprem.registry.port"}},
		{"health check command", "project: shop\napps:\n  - {name: a, kind: api, health_check_command: [curl, x]}\n", []string{`apps[0].health_check_command: "curl x" must start with CMD`}},
		{"health check path", "project: shop\napps:\n  - {name: a, kind: api, health_check_path: healthz}\n", []string{`apps[0].health_check_path: "healthz" must be a URL path starting with '/'`}},
		{"privileged port", "project: shop\napps:\n  - {name: a, kind: api, port: 80}\n", []string{`apps[0].port: 80 is below 1024: on AWS the app runs as a non-root user`}},
		{"root user and writable paths, all at once", "project: shop\napps:\n  - {name: a, kind: api, user: '00:0', writable_paths: [/tmp, var/cache, /, /tmp/../etc, /tmp]}\n", []string{`apps[0].writable_paths[4]: "/tmp" is already writable_paths[0]`,
			`apps[0].user: "00:0" runs the app as root`, `apps[0].writable_paths[1]: "var/cache" must be a clean absolute path`,
			`apps[0].writable_paths[2]: "/" must be a clean absolute path below /`, `apps[0].writable_paths[3]: "/tmp/../etc" must be a clean absolute path`}},
		{"apps bind address", "project: shop\nonprem:\n  apps_bind_address: lan\n", []string{`onprem.apps_bind_address: "lan" is not an IP address`}},
		{"load balancer certificate (removed)", "project: shop\ncloud:\n  certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f'\n", []string{
			`cloud.certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f" is no longer used: the load balancer is internal`}},
		{"route conflict", "project: shop\napps:\n  - {name: a, kind: api, route: {path: /api/*}}\n  - {name: b, kind: api, host_port: 8081, route: {path: /api/*}}\n", []string{`apps[1].route: "/api/*" is the same route as apps[0]`}},
		{"route path", "project: shop\napps:\n  - {name: a, kind: api, route: {path: 'api/*'}}\n", []string{`apps[0].route.path: "api/*" is not a path pattern`}},
		{"route host", "project: shop\napps:\n  - {name: a, kind: api, route: {host: 'API.Example'}}\n", []string{`apps[0].route.host: "API.Example" is not a lowercase host name`}},
		{"site without build", "project: shop\napps:\n  - {name: front, kind: site}\n", []string{`apps[0].source: "apps/front" is not a directory: a site's source is its static build output`}},
		{"site bad domain", "project: shop\napps:\n  - {name: front, kind: site, site: {domain: 'Notes_Example', certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f'}}\n", []string{`apps[0].site.domain: "Notes_Example" is not a lowercase domain name`}},
		{"site certificate region", "project: shop\napps:\n  - {name: front, kind: site, site: {domain: notes.example.com, certificate_arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f'}}\n", []string{"is in eu-west-1: CloudFront only uses certificates from us-east-1"}},
		{"site certificate without domain", "project: shop\napps:\n  - {name: front, kind: site, site: {certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f'}}\n", []string{"apps[0].site.certificate_arn", "needs apps[0].site.domain"}},
		{"certificate names that do not cover the domain", "project: shop\napps:\n" +
			"  - {name: front, kind: site, site: {domain: a.b.example.com, certificate_domain: '*.example.com'}}\n" +
			"  - {name: api, kind: api, domain: api.example.org, certificate_domain: api.example.com}\n" +
			"  - {name: both, kind: api, domain: both.example.com, certificate_domain: '*.example.com', certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f'}\n" +
			"  - {name: loose, kind: api, certificate_domain: '*.example.com'}\n", []string{
			`apps[0].site.certificate_domain: "*.example.com" does not cover apps[0].site.domain "a.b.example.com": a certificate name covers itself, or one label below a "*." wildcard (not two)`,
			`apps[1].certificate_domain: "api.example.com" does not cover apps[1].domain "api.example.org"`,
			`apps[2].certificate_domain: "*.example.com" names a certificate to look up, and apps[2].certificate_arn names one already: keep one`,
			`apps[3].certificate_domain: "*.example.com" needs apps[3].domain`}},
		{"domains where no distribution takes them", "project: shop\napps:\n" +
			"  - {name: web, kind: site, domain: web.example.com, site: {api: api, domain: shop.example.com}}\n" +
			"  - {name: api, kind: api, domain: api.example.com}\n" +
			"  - {name: other, kind: api, domain: shop.example.com}\n", []string{
			`apps[0].domain: "web.example.com" is for api and model apps: a site's domain is site.domain`,
			`apps[1].domain: "api.example.com" is not used: a site serves api under its /api/`,
			`apps[2].domain: "shop.example.com" is already apps[0].site.domain: a domain belongs to one distribution`}},
		{"site ttl negative", "project: shop\napps:\n  - {name: front, kind: site, site: {min_ttl: -1}}\n", []string{"apps[0].site.min_ttl: -1 must not be negative"}},
		{"site ttl order", "project: shop\napps:\n  - {name: front, kind: site, site: {default_ttl: 100, max_ttl: 50}}\n", []string{`apps[0].site: "0/100/50" cache TTLs (min/default/max) must satisfy`}},
		{"site api unknown", "project: shop\napps:\n  - {name: front, kind: site, site: {api: nope}}\n", []string{`apps[0].site.api: "nope" is not the name of an api or model app`}},
		{"egress not a cidr", "project: shop\napps:\n  - name: orders\n    kind: api\n    egress:\n      - {to: smtp.example.com, port: 25}\n", []string{`fullstack.yaml:6: apps[0].egress[0].to: "smtp.example.com" is not an IPv4 CIDR block`}},
		{"egress port and protocol", "project: shop\napps:\n  - name: orders\n    kind: api\n    egress:\n      - {to: 10.9.0.0/16, port: 0, protocol: icmp}\n", []string{`apps[0].egress[0].port: 0 is not allowed`, `apps[0].egress[0].protocol: "icmp" is not tcp or udp`}},
		{"egress already allowed", "project: shop\napps:\n  - name: orders\n    kind: api\n    egress: [{to: 0.0.0.0/0, port: 443}]\n", []string{`apps[0].egress[0]: "0.0.0.0/0" is already allowed`}},
		{"egress on a site", "project: shop\napps:\n  - name: web\n    kind: site\n    egress: [{to: 10.0.0.0/8, port: 25}]\n", []string{`apps[0].egress: 1 is only for api and model apps`}},
		{"waf rate limit", "project: shop\ncloud:\n  security:\n    waf: {enabled: true, rate_limit: 5}\n", []string{`fullstack.yaml:4: cloud.security.waf.rate_limit: 5 is outside what a WAF rate-based rule accepts`}},
		{"access log retention", "project: shop\ncloud:\n  security:\n    access_logs: {enabled: true, retention_days: -1}\n", []string{`cloud.security.access_logs.retention_days: -1 must be at least 1 day`}},
		{"waf on the home server", "project: shop\nonprem:\n  security: {waf: {enabled: true}}\n", []string{`fullstack.yaml:3: onprem.security: is not a known key here`}},
		{"region that does not exist", "project: shop\ncloud:\n  region: eu-west-9\n", []string{`fullstack.yaml:3: cloud.region: "eu-west-9" is not a region AWS has (known: af-south-1`}},
		{"zone letter no region has", "project: shop\ncloud:\n  region: eu-west-1\n  availability_zones: [eu-west-1a, eu-west-1q]\n", []string{`cloud.availability_zones[1]: "eu-west-1q" is not a zone of region eu-west-1 (eu-west-1a to eu-west-1f at most`}},
		{"more tasks than a service allows", "project: shop\napps:\n  - name: orders\n    kind: api\n    size: {max_count: 100000}\n", []string{`apps[0].size.max_count: 100000 is more tasks than one ECS service can run (5000)`}},
		{"ipv6 registry address", "project: shop\nonprem:\n  registry: {bind_address: '::1'}\n", []string{`onprem.registry.bind_address: "::1" is not an IPv4 address: image names embed the registry address`}},
		{"literal secret in env", "project: shop\napps:\n  - name: orders\n    kind: api\n    env: {LOG_LEVEL: info, TOKEN_URL: 'https://id.example.com/token', DB_PASSWORD: hunter2hunter2, stripe_api_key: sk_live_x}\n", []string{
			`fullstack.yaml:5: apps[0].env.DB_PASSWORD: "hunter2hunter2" looks like a secret`, "list DB_PASSWORD under apps[0].secrets instead and export TF_VAR_app_secret_orders_db_password",
			`apps[0].env.stripe_api_key: "sk_live_x" looks like a secret`}},
		{"secret names", "project: shop\napps:\n  - name: orders\n    kind: api\n    env: {STRIPE_KEY_ID: abc}\n    secrets: [STRIPE_KEY_ID, 9BAD, PGPASSWORD, X, X]\n", []string{
			`apps[0].secrets[0]: "STRIPE_KEY_ID" is also in env`, `apps[0].secrets[1]: "9BAD" is not an environment variable name`,
			`apps[0].secrets[2]: "PGPASSWORD" is set by the platform`, `apps[0].secrets[4]: "X" is listed twice`}},
		{"secrets on a site", "project: shop\napps:\n  - name: web\n    kind: site\n    secrets: [KEY]\n", []string{`apps[0].secrets: "KEY" is only for api and model apps`}},
		{"app database settings", "project: shop\ncloud:\n  database: {instance_class: db.t4g.micro}\napps:\n  - name: orders\n    kind: api\n    database:\n      instance_class: t3.large\n      allocated_storage: 10\n      max_allocated_storage: 200\n      backup_retention_days: 40\n      disposable: yes\n      size: big\n", []string{
			`fullstack.yaml:8: apps[0].database.instance_class: "t3.large" is not an RDS instance class`,
			`fullstack.yaml:9: apps[0].database.allocated_storage: 10 is outside what RDS PostgreSQL on gp3 accepts`,
			`apps[0].database.backup_retention_days: 40 is outside 0-35 days`,
			`fullstack.yaml:12: apps[0].database.disposable: "yes" is not a boolean here`,
			`fullstack.yaml:13: apps[0].database.size: is not a known key here`}},
		{"app database yes", "project: shop\napps:\n  - {name: orders, kind: api, database: on}\n", []string{`apps[0].database: "on" is not a boolean here: write true or false`}},
		{"all problems at once", "project: shop\ntypo: 1\ncloud:\n  region: nowhere\n  vpc_cidr: bad\napps:\n  - {name: A, kind: x, port: 99999}\n", []string{
			"typo: is not a known key", "cloud.region:", "cloud.vpc_cidr:", "apps[0].name:", "apps[0].kind:", "apps[0].port:",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("fullstack.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted bad input; project = %+v", p)
			}
			if p != nil {
				t.Errorf("returned a project alongside the error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q; got:\n%v", w, err)
				}
			}
			for _, fe := range FieldErrors(err) {
				if fe.File != "fullstack.yaml" || fe.Path == "" || fe.Rule == "" {
					t.Errorf("incomplete problem %#v", fe)
				}
			}
		})
	}
}

// TestDatabaseApps checks the migration folders and database names of apps
// with a database.
func TestDatabaseApps(t *testing.T) {
	dir := projectDir(t, map[string]string{
		"migrations/broken/V1__ok.sql":  "select 1;",
		"migrations/broken/V1__dup.sql": "select 1;",
		"migrations/broken/notes.sql":   "select 1;",
		"migrations/postgres/V1__x.sql": "select 1;",
		"migrations/quiet/README.md":    "no migrations needed",
		"apps/missing/Dockerfile":       "FROM scratch",
		"apps/broken/Dockerfile":        "FROM scratch",
		"apps/postgres/Dockerfile":      "FROM scratch",
		"apps/quiet/Dockerfile":         "FROM scratch",
		"apps/nodb/Dockerfile":          "FROM scratch",
	})
	y := `project: shop
apps:
  - {name: orders, kind: api, database: true}
  - {name: missing, kind: api, database: true, host_port: 8081}
  - {name: broken, kind: api, database: true, host_port: 8082}
  - {name: postgres, kind: api, database: true, host_port: 8083}
  - {name: quiet, kind: api, database: true, host_port: 8084}
  - {name: nodb, kind: api, host_port: 8085}
`
	_, err := Parse(filepath.Join(dir, "fullstack.yaml"), []byte(y))
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`fullstack.yaml:4: apps[1].database: "` + filepath.Join(dir, "migrations/missing") + `" is missing: an app with a database needs its Flyway folder`,
		`apps[2].database: has a bad migration: ` + filepath.Join(dir, "migrations/broken/notes.sql") + `: is not a Flyway name`,
		`apps[2].database: has a bad migration: ` + filepath.Join(dir, "migrations/broken/V1__ok.sql") + `: version 1 is already used by V1__dup.sql`,
		`apps[3].database: "postgres" is the app's database and role name, and it is reserved`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	for _, ok := range []string{"apps[0]", "apps[4]", "apps[5]"} {
		if strings.Contains(msg, ok) {
			t.Errorf("%s is fine but was reported:\n%s", ok, msg)
		}
	}
}

func TestSiteBuildWithoutIndex(t *testing.T) {
	dir := projectDir(t, nil) // apps/orders holds a Dockerfile, no index.html
	_, err := Parse(filepath.Join(dir, "fullstack.yaml"), []byte("project: shop\napps:\n  - {name: front, kind: site, source: apps/orders}\n"))
	if err == nil || !strings.Contains(err.Error(), `apps[0].source: "apps/orders" has no index.html`) {
		t.Errorf("want a missing index.html error, got %v", err)
	}
}

// TestNormalizeForLibraryUsers checks the Go API gets the same defaults and
// validation as the file.
func TestNormalizeForLibraryUsers(t *testing.T) {
	p := Project{Name: "shop", Dir: projectDir(t, nil), Apps: []App{{Name: "orders", Kind: KindAPI}}}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	if p.Apps[0].Port != DefaultServicePort || p.Cloud.Region != DefaultRegion {
		t.Errorf("defaults not applied: %+v", p)
	}
	bad := Project{Name: "Shop"}
	err := bad.Normalize()
	if fes := FieldErrors(err); len(fes) != 1 || fes[0].Path != "project" || fes[0].File != "" {
		t.Errorf("want one project error without a file, got %v", err)
	}
}

func TestDockerfileThatIsADirectory(t *testing.T) {
	dir := projectDir(t, map[string]string{"apps/odd/Dockerfile/README": "not a build file"})
	_, err := Parse(filepath.Join(dir, "fullstack.yaml"), []byte("project: shop\napps:\n  - {name: odd, kind: api, source: apps/odd}\n"))
	if err == nil || !strings.Contains(err.Error(), `apps[0].source: "apps/odd" has a Dockerfile that is not a file`) {
		t.Errorf("a Dockerfile directory was accepted or misreported: %v", err)
	}
}

func TestPlainEnvNamesAreNotSecrets(t *testing.T) {
	yaml := strings.Replace(validYAML, "      LOG_LEVEL: info\n", "      LOG_LEVEL: info\n      TOKEN_URL: https://id.example.com/token\n      KEY_ID: abc\n", 1)
	p, err := Parse(filepath.Join(projectDir(t, nil), "fullstack.yaml"), []byte(yaml))
	if err != nil {
		t.Fatalf("plain values refused as secrets: %v", err)
	}
	if p.Apps[0].Env["TOKEN_URL"] == "" {
		t.Error("TOKEN_URL lost")
	}
}

func TestAppDatabaseSettings(t *testing.T) {
	yaml := strings.Replace(validYAML, "    database: true\n", "    database:\n      instance_class: db.t4g.small\n      allocated_storage: 200\n", 1)
	p, err := Parse(filepath.Join(projectDir(t, nil), "fullstack.yaml"), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Apps[0].Database
	if !d.Enabled {
		t.Fatal("a mapping must turn the database on")
	}
	got := d.Settings(p.Cloud.Database)
	want := Database{InstanceClass: "db.t4g.small", AllocatedStorage: 200, MaxAllocatedStorage: 200, BackupRetentionDays: 7}
	if got != want {
		t.Errorf("settings = %+v, want %+v (project-wide values for the rest)", got, want)
	}
	yes := true
	if got := (AppDatabase{Enabled: true, Disposable: &yes}).Settings(p.Cloud.Database); !got.Disposable || got.BackupRetentionDays != 0 {
		t.Errorf("disposable app database = %+v, want no backups", got)
	}
	// A bad project-wide value is reported once, at cloud.database.
	bad := strings.Replace(validYAML, "  vpc_cidr: 10.20.0.0/16\n", "  vpc_cidr: 10.20.0.0/16\n  database: {instance_class: t3.micro}\n", 1)
	_, err = Parse(filepath.Join(projectDir(t, nil), "fullstack.yaml"), []byte(bad))
	if n := strings.Count(fmt.Sprint(err), "t3.micro"); n != 1 {
		t.Errorf("the project-wide class is reported %d times: %v", n, err)
	}
}

func TestHomeMonitoringOffNeedsNoSMTPAndFreesItsPorts(t *testing.T) {
	p, err := Parse("fullstack.yaml", []byte("project: shop\nalerts:\n  email: [ops@example.com]\nonprem:\n  registry:\n    port: 9090\n  monitoring:\n    disabled: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.OnPrem.Monitoring.Disabled || p.OnPrem.Registry.Port != 9090 {
		t.Errorf("monitoring: %+v", p.OnPrem.Monitoring)
	}
}
