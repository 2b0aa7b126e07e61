package config

import (
	"github.com/homecloud-dev/fullstack/alerting"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/flyway"

	"gopkg.in/yaml.v3"
)

// Project is the whole project definition. Field comments give the YAML key
// and the default applied by Normalize when the field is left empty.
type Project struct {
	// Name is the project name, a lowercase DNS label. Required.
	// It prefixes every resource name on both targets.
	Name string `yaml:"project"`
	// OnPrem describes the home server target (stack "onprem").
	OnPrem OnPrem `yaml:"onprem"`
	// Cloud describes the AWS target (stack "cloud").
	Cloud Cloud `yaml:"cloud"`
	// Apps are the applications deployed on both targets. May be empty.
	Apps []App `yaml:"apps"`
	// Release is how releases are signed and verified.
	Release Release `yaml:"release"`
	// Alerts are who is told when something breaks, and when: the
	// receivers and the thresholds of the alarms (alerting.Settings; the
	// defaults are there).
	Alerts alerting.Settings `yaml:"alerts"`
	// Migrations is the folder holding one Flyway folder per app with a
	// database (migrations/<app>/V1__....sql), relative to Dir. Default
	// "migrations".
	Migrations string `yaml:"migrations"`
	// Dir is the directory relative paths (migrations, app sources) are
	// resolved against. Load sets it to the project file's directory.
	// Default ".".
	Dir string `yaml:"-"`

	// migrations caches AppMigrations by folder.
	migrations map[string][]flyway.Migration
}

// MigrationsDir is the Flyway folder of one app.
func (p *Project) MigrationsDir(app string) string {
	return filepath.Join(p.Dir, p.Migrations, app)
}

// AppNamed is the app called name.
func (p *Project) AppNamed(name string) (App, bool) {
	for _, a := range p.Apps {
		if a.Name == name {
			return a, true
		}
	}
	return App{}, false
}

// OnPrem is the home server: a Docker host with a registry and PostgreSQL.
type OnPrem struct {
	// Environment names the target in tags and labels. Default "staging".
	Environment string `yaml:"environment"`
	// DockerHost is the Docker daemon address the docker provider talks to.
	// Default "unix:///var/run/docker.sock"; "ssh://user@host" also works.
	DockerHost string `yaml:"docker_host"`
	// Network is the platform Docker network every container joins.
	Network DockerNetwork `yaml:"network"`
	// Registry is the local Docker registry.
	Registry Registry `yaml:"registry"`
	// Postgres is the PostgreSQL cluster.
	Postgres Postgres `yaml:"postgres"`
	// AppsBindAddress is the host address app ports are published on.
	// Default "127.0.0.1" (reach them through a reverse proxy or tunnel).
	AppsBindAddress string `yaml:"apps_bind_address"`
	// LogMaxSize is the json-file log size at which a container's log
	// rotates. Default "10m".
	LogMaxSize string `yaml:"log_max_size"`
	// LogMaxFiles is how many rotated log files are kept. Default 3.
	LogMaxFiles int `yaml:"log_max_files"`
	// StateDir is where the onprem stack's Terraform state is kept, on the
	// machine that deploys (the home server or its CI runner). It must
	// outlive the working copy: a clean checkout must not lose it. A
	// leading "~/" is the deploying user's home. FULLSTACK_STATE_DIR
	// overrides it. Default "~/.local/state/fullstack/<project>-<environment>".
	StateDir string `yaml:"state_dir"`
	// Previews are the per-pull-request environments (fullstack preview).
	Previews Previews `yaml:"previews"`
	// Monitoring is the home server's Prometheus and Alertmanager
	// (alerting.Home has every field and default); they tell
	// alerts.email and alerts.webhooks.
	Monitoring alerting.Home `yaml:"monitoring"`
	// Offsite copies the database backups, the registry's storage and the
	// deploy state to an S3-compatible bucket after each daily backup,
	// encrypted by restic. Default: off (the restore drill then restores
	// the backup volume's dumps).
	Offsite Offsite `yaml:"offsite"`
}

// Offsite is the off-site copy of what the home server cannot lose
// (docs/onprem.md, "Backups and disaster recovery"). Its secrets are
// sensitive variables, never in this file: the repository's password
// (onprem_offsite_password) and the bucket's keys
// (onprem_offsite_access_key_id, onprem_offsite_secret_access_key).
type Offsite struct {
	// Repository is the restic repository:
	// "s3:https://<endpoint>/<bucket>[/<path>]", e.g.
	// "s3:https://s3.eu-central-1.amazonaws.com/shop-backups/staging".
	// Empty: no off-site copy.
	Repository string `yaml:"repository"`
	// Region of the bucket, for endpoints that need it named. Default
	// empty: restic asks the bucket.
	Region string `yaml:"region"`
	// KeepDaily, KeepWeekly and KeepMonthly are how many daily, weekly and
	// monthly snapshots restic keeps when it prunes. Defaults 7, 4 and 12.
	KeepDaily   int `yaml:"keep_daily"`
	KeepWeekly  int `yaml:"keep_weekly"`
	KeepMonthly int `yaml:"keep_monthly"`
}

// Enabled reports whether an off-site repository is set.
func (o Offsite) Enabled() bool { return o.Repository != "" }

// OffsiteHost names this server's snapshots in the repository (restic
// --host): "<project>-<onprem.environment>".
func (p *Project) OffsiteHost() string { return p.Name + "-" + p.OnPrem.Environment }

// Previews are copies of the on-prem apps, one per pull request, beside
// staging on the same home server: own containers, databases and images,
// the shared registry, PostgreSQL server and front proxy.
type Previews struct {
	// Domain: preview n of app a answers at a.pr-n.<domain> (and the
	// preview's first site, else first app, at pr-n.<domain>) on Port.
	// Default "localhost": browsers and curl resolve *.localhost to the
	// machine itself without DNS.
	Domain string `yaml:"domain"`
	// Port is the front proxy's host port for every preview, published on
	// apps_bind_address. Default 8090.
	Port int `yaml:"port"`
	// Max is how many previews may run at once; `preview up` refuses the
	// next one (naming the running ones) rather than removing another
	// pull request's preview. Default 3.
	Max int `yaml:"max"`
	// MaxAgeDays: `preview prune` removes previews not deployed for longer.
	// Default 7.
	MaxAgeDays int `yaml:"max_age_days"`
	// ConnectionLimit caps each preview app role's connections to
	// staging's PostgreSQL, so previews cannot take staging's. Default 10.
	ConnectionLimit int `yaml:"connection_limit"`
	// CPUShares weighs a preview container's CPU when the server is busy,
	// against staging's (Docker's default 1024). Default 256: a quarter.
	CPUShares int `yaml:"cpu_shares"`
}

// DockerNetwork is the on-prem platform network.
type DockerNetwork struct {
	// Name of the network. Default "<project>-platform".
	Name string `yaml:"name"`
	// Subnet in CIDR form. Default empty: Docker picks a free range.
	Subnet string `yaml:"subnet"`
}

// Registry is where the registry is published on the home server.
type Registry struct {
	// BindAddress is the host address the registry port is published on.
	// Default "127.0.0.1": only the server itself (and its CI runner) can
	// push and pull, and Docker trusts a loopback registry without TLS.
	BindAddress string `yaml:"bind_address"`
	// Port is the published host port. Default 5000.
	Port int `yaml:"port"`
	// Image is the registry image, pinned. Default "registry:2.8.3".
	Image string `yaml:"image"`
	// HTPasswd requires basic authentication; the htpasswd file (bcrypt
	// entries) comes from the sensitive variable onprem_registry_htpasswd.
	// Default false. Needs TLS unless BindAddress is loopback.
	HTPasswd bool `yaml:"htpasswd"`
	// TLS serves the registry over HTTPS. Default: plain HTTP.
	TLS RegistryTLS `yaml:"tls"`
	// Backup snapshots the primary volume into the backup volume.
	Backup RegistryBackup `yaml:"backup"`
}

// RegistryTLS names a certificate and key on the Docker host.
type RegistryTLS struct {
	// CertFile is the PEM certificate (chain) path on the host.
	CertFile string `yaml:"cert_file"`
	// KeyFile is the PEM private key path on the host.
	KeyFile string `yaml:"key_file"`
}

// Enabled reports whether TLS is configured.
func (t RegistryTLS) Enabled() bool { return t.CertFile != "" }

// RegistryBackup schedules snapshots of the registry storage.
type RegistryBackup struct {
	// Schedule is a 5-field cron expression (UTC). Default "17 3 * * *".
	Schedule string `yaml:"schedule"`
	// Keep is how many snapshots are kept. Default 7.
	Keep int `yaml:"keep"`
}

// Postgres is the on-prem PostgreSQL cluster and how the postgresql
// provider reaches it. The superuser password is never in this file: it is
// the sensitive Terraform variable "onprem_postgres_password".
type Postgres struct {
	// Host the postgresql provider connects to. Default "127.0.0.1".
	Host string `yaml:"host"`
	// Port is the published host port. Default 5432.
	Port int `yaml:"port"`
	// BindAddress is the host address the port is published on. Default
	// "127.0.0.1": only the server itself reaches the database.
	BindAddress string `yaml:"bind_address"`
	// ImageTag of the official postgres image; its major version must be
	// Version. Default: a pinned minor of Version (e.g. "16.6-bookworm").
	ImageTag string `yaml:"image_tag"`
	// AdminUser is the superuser name. Default "postgres".
	AdminUser string `yaml:"admin_user"`
	// Version is the PostgreSQL major version. Default "16".
	Version string `yaml:"version"`
	// SSLMode is the provider's sslmode. Default "disable" (loopback only).
	SSLMode string `yaml:"sslmode"`
	// Backup dumps every app database and the globals daily.
	Backup PostgresBackup `yaml:"backup"`
	// Memory limits the server's container, in MiB, without swap. Default
	// 0: postgrescluster.DefaultMemoryMiB (1024).
	Memory int `yaml:"memory"`
}

// PostgresBackup schedules logical backups of the app databases.
type PostgresBackup struct {
	// Time is the daily backup time, HH:MM in UTC. Default "03:47".
	Time string `yaml:"time"`
	// Keep is how many backups of each database are kept. Default 7.
	Keep int `yaml:"keep"`
}

// Cloud is the AWS target.
type Cloud struct {
	// Environment names the target in tags. Default "production".
	Environment string `yaml:"environment"`
	// Region is the AWS region. Default "us-east-1".
	Region string `yaml:"region"`
	// VPCCIDR is the VPC address range, /16 to /24. Default "10.0.0.0/16".
	VPCCIDR string `yaml:"vpc_cidr"`
	// AvailabilityZones used for subnets, at least 2, all in Region.
	// Default: the region's "a" and "b" zones.
	AvailabilityZones []string `yaml:"availability_zones"`
	// StateBackend is where the cloud stacks keep Terraform state.
	// Default: no bucket, so state stays in a local file.
	StateBackend StateBackend `yaml:"state_backend"`
	// GitHub is the repository whose Actions deploy this project.
	GitHub GitHub `yaml:"github"`
	// CertificateARN is no longer used and refused: the load balancer is
	// internal and only CloudFront reaches it (through a VPC origin). Put
	// custom domains and their certificates on the distributions:
	// apps[].site.domain, and apps[].domain for an api/model app no site
	// serves.
	CertificateARN string `yaml:"certificate_arn"`
	// NAT is how private subnets reach the internet: "none", "single" or
	// "per-az". Default "single" when Environment is "production", else
	// "none". See docs/cloud.md "NAT strategies" for the cost trade-off.
	NAT NATStrategy `yaml:"nat"`
	// FlowLogs sends VPC flow logs to CloudWatch. Default false.
	FlowLogs bool `yaml:"flow_logs"`
	// LogRetentionDays of every CloudWatch log group. Default 30; must be a
	// value CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, ...).
	LogRetentionDays int `yaml:"log_retention_days"`
	// ECR configures the container repositories.
	ECR ECR `yaml:"ecr"`
	// Database configures every app's RDS PostgreSQL instance. Its engine
	// major version is onprem.postgres.version: one version on both targets.
	Database Database `yaml:"database"`
	// Backup adds an AWS Backup plan for the databases, with a copy in a
	// second region or account and AWS's restore testing. Default: off
	// (RDS's automated backups only). Costs: docs/cloud.md "Backups".
	Backup Backup `yaml:"backup"`
	// InterfaceEndpoints adds VPC interface endpoints for ECR, CloudWatch
	// Logs and Secrets Manager, so that services in private subnets run
	// without NAT (with nat: none they then have no internet at all).
	// Billed per endpoint, zone and hour: see docs/cloud.md "Security defaults".
	// Default false. The S3 gateway endpoint is always there (free).
	InterfaceEndpoints bool `yaml:"interface_endpoints"`
	// Security holds the protections that cost money; all off by default.
	Security Security `yaml:"security"`
	// Emulator points every AWS endpoint at a local AWS emulator.
	Emulator Emulator `yaml:"emulator"`
}

// Backup is the optional AWS Backup plan of the RDS databases
// (constructs/cloud/backupplan has every default).
type Backup struct {
	// Enabled turns the plan on. Default false.
	Enabled bool `yaml:"enabled"`
	// Schedule is when the daily backup runs, an EventBridge cron
	// expression in UTC. Default "cron(17 3 * * ? *)".
	Schedule string `yaml:"schedule"`
	// RetentionDays is how long each backup is kept. Default 35.
	RetentionDays int `yaml:"retention_days"`
	// CopyRegion copies each backup to a vault the plan creates in this
	// region. Default none.
	CopyRegion string `yaml:"copy_region"`
	// CopyVaultARN copies each backup to an existing vault, e.g. in
	// another account (its access policy must allow the copy). Default
	// none. Not with copy_region.
	CopyVaultARN string `yaml:"copy_vault_arn"`
	// CopyRetentionDays is how long each copy is kept. Default
	// retention_days.
	CopyRetentionDays int `yaml:"copy_retention_days"`
	// RestoreTesting restores the newest backup of each database every
	// week into a new instance beside it, then deletes it (AWS Backup
	// restore testing). Default false.
	RestoreTesting bool `yaml:"restore_testing"`
	// RestoreTestSchedule is when, as Schedule. Default
	// "cron(0 5 ? * SUN *)".
	RestoreTestSchedule string `yaml:"restore_test_schedule"`
}

// Security is the optional protections of the cloud target, each with a
// monthly cost stated in docs/cloud.md "Security defaults".
type Security struct {
	// WAF puts an AWS WAF web ACL (AWS managed common rules and a per-IP
	// rate limit) on every CloudFront distribution and the load balancer.
	WAF WAF `yaml:"waf"`
	// AccessLogs writes load balancer and CloudFront access logs to a log
	// bucket.
	AccessLogs AccessLogs `yaml:"access_logs"`
	// KMS encrypts the site buckets, log groups, database secrets and RDS
	// storage with a customer-managed KMS key (rotated yearly) instead of
	// AWS-owned keys. Changing it replaces the databases: set it before the
	// first deploy. Default false.
	KMS bool `yaml:"kms"`
}

// WAF configures the web ACLs.
type WAF struct {
	// Enabled attaches the web ACLs. Default false.
	Enabled bool `yaml:"enabled"`
	// RateLimit is how many requests one IP address may send in 5 minutes
	// before it is blocked, 10 to 2000000000. Default 2000.
	RateLimit int `yaml:"rate_limit"`
}

// AccessLogs configures the log bucket.
type AccessLogs struct {
	// Enabled writes the access logs. Default false.
	Enabled bool `yaml:"enabled"`
	// RetentionDays after which a log object is deleted. Default 90.
	RetentionDays int `yaml:"retention_days"`
}

// NATStrategy is the cloud network's NAT layout (awsrules owns the
// layouts).
type NATStrategy = awsrules.NATStrategy

// The NAT strategies.
const (
	NATNone   = awsrules.NATNone
	NATSingle = awsrules.NATSingle
	NATPerAZ  = awsrules.NATPerAZ
)

// NATStrategies lists the valid strategies.
var NATStrategies = awsrules.NATStrategies

// Database configures the RDS instances (one per app with a database).
type Database struct {
	// InstanceClass, a db.* class. Default "db.t4g.micro".
	InstanceClass string `yaml:"instance_class"`
	// AllocatedStorage in GiB (gp3), at least 20. Default 20.
	AllocatedStorage int `yaml:"allocated_storage"`
	// MaxAllocatedStorage is the storage autoscaling ceiling in GiB, at
	// least AllocatedStorage. Default 100.
	MaxAllocatedStorage int `yaml:"max_allocated_storage"`
	// BackupRetentionDays, 0-35. Default 7.
	BackupRetentionDays int `yaml:"backup_retention_days"`
	// Disposable turns off deletion protection and the final snapshot, for
	// environments whose data may be lost. Default false.
	Disposable bool `yaml:"disposable"`
}

// AppDatabase is an app's database. In the project file it is a boolean,
// or a mapping of the cloud.database settings this app overrides (on the
// home server every app database lives in the one PostgreSQL cluster and
// its daily backups; these settings size the app's RDS instance).
type AppDatabase struct {
	// Enabled is true for `database: true` and for a mapping.
	Enabled bool
	// InstanceClass overrides cloud.database.instance_class.
	InstanceClass string `yaml:"instance_class"`
	// AllocatedStorage overrides cloud.database.allocated_storage.
	AllocatedStorage int `yaml:"allocated_storage"`
	// MaxAllocatedStorage overrides cloud.database.max_allocated_storage.
	MaxAllocatedStorage int `yaml:"max_allocated_storage"`
	// BackupRetentionDays overrides cloud.database.backup_retention_days.
	BackupRetentionDays int `yaml:"backup_retention_days"`
	// Disposable overrides cloud.database.disposable.
	Disposable *bool `yaml:"disposable"`
}

// appDatabaseSettings decodes the mapping form of AppDatabase.
type appDatabaseSettings AppDatabase

// UnmarshalYAML takes `true`/`false` or a mapping of settings.
func (d *AppDatabase) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*d = AppDatabase{}
		return n.Decode(&d.Enabled)
	}
	var s appDatabaseSettings
	if err := n.Decode(&s); err != nil {
		return err
	}
	*d = AppDatabase(s)
	d.Enabled = true
	return nil
}

// Settings are the app's RDS settings: cloud.database with the app's
// overrides applied (a larger storage also raises the autoscaling ceiling
// when the app sets no ceiling of its own).
func (d AppDatabase) Settings(project Database) Database {
	out := project
	if d.InstanceClass != "" {
		out.InstanceClass = d.InstanceClass
	}
	if d.AllocatedStorage != 0 {
		out.AllocatedStorage = d.AllocatedStorage
		if d.MaxAllocatedStorage == 0 {
			out.MaxAllocatedStorage = max(out.MaxAllocatedStorage, d.AllocatedStorage)
		}
	}
	if d.MaxAllocatedStorage != 0 {
		out.MaxAllocatedStorage = d.MaxAllocatedStorage
	}
	if d.Disposable != nil {
		out.Disposable = *d.Disposable
		if *d.Disposable && d.BackupRetentionDays == 0 {
			out.BackupRetentionDays = 0
		} else if !*d.Disposable && out.BackupRetentionDays == 0 {
			out.BackupRetentionDays = awsrules.DefaultBackupRetentionDays
		}
	}
	if d.BackupRetentionDays != 0 {
		out.BackupRetentionDays = d.BackupRetentionDays
	}
	return out
}

// ECR configures the cloud container repositories.
type ECR struct {
	// MutableTags lets a pushed tag be overwritten. Default false: tags
	// are immutable, so a deployed tag always means the same image.
	MutableTags bool `yaml:"mutable_tags"`
	// KeepTaggedImages is how many tagged images each repository keeps.
	// Default 30.
	KeepTaggedImages int `yaml:"keep_tagged_images"`
	// UntaggedExpiryDays expires untagged images after this many days.
	// Default 7.
	UntaggedExpiryDays int `yaml:"untagged_expiry_days"`
}

// StateBackend is an S3 bucket (and optional DynamoDB lock table).
type StateBackend struct {
	// Bucket holding the state. Default empty: local state.
	Bucket string `yaml:"bucket"`
	// Key of the state object. Default "<project>/<stack>.tfstate".
	Key string `yaml:"key"`
	// LockTable is the DynamoDB table used for state locking. Default empty.
	LockTable string `yaml:"lock_table"`
}

// BootstrapBucket is the state bucket the bootstrap stack creates: the
// configured bucket, or "<project>-<environment>-tfstate".
func (p *Project) BootstrapBucket() string {
	if p.Cloud.StateBackend.Bucket != "" {
		return p.Cloud.StateBackend.Bucket
	}
	return p.Name + "-" + p.Cloud.Environment + "-tfstate"
}

// BootstrapLockTable is the lock table the bootstrap stack creates: the
// configured table, or "<project>-<environment>-tflock".
func (p *Project) BootstrapLockTable() string {
	if p.Cloud.StateBackend.LockTable != "" {
		return p.Cloud.StateBackend.LockTable
	}
	return p.Name + "-" + p.Cloud.Environment + "-tflock"
}

// GitHub identifies the repository that deploys through OpenID Connect.
type GitHub struct {
	// Owner is the user or organisation. Default empty (no CI identity).
	Owner string `yaml:"owner"`
	// Repo is the repository name. Default empty.
	Repo string `yaml:"repo"`
	// Branch allowed to deploy. Default "main".
	Branch string `yaml:"branch"`
	// Environment is the GitHub environment whose jobs may assume the
	// deploy role (production). Default "production".
	Environment string `yaml:"environment"`
	// ReleaseEnvironment is the GitHub environment whose jobs may assume
	// the promote role (ECR push). Default "release".
	ReleaseEnvironment string `yaml:"release_environment"`
	// OIDCProviderARN reuses the account's existing GitHub OIDC provider
	// (an account holds one per URL). Default empty: the bootstrap stack
	// creates it.
	OIDCProviderARN string `yaml:"oidc_provider_arn"`
}

// Emulator is the local AWS emulator mode (e.g. moto_server). When Endpoint
// is set, the aws provider sends every service to it with dummy
// credentials and skips account checks. Never set it for real AWS.
type Emulator struct {
	// Endpoint URL, e.g. "http://127.0.0.1:5000" (the harness runs moto
	// on plain HTTP). Default empty (real AWS). The FULLSTACK_AWS_ENDPOINT
	// environment variable overrides it.
	Endpoint string `yaml:"endpoint"`
	// CABundle is a PEM file of the CA that signed the certificate of an
	// emulator served over HTTPS, trusted by the provider and the S3
	// backend. Default empty: the system roots. FULLSTACK_AWS_CA_BUNDLE
	// overrides it.
	CABundle string `yaml:"ca_bundle"`
}

// Enabled reports whether emulator mode is on.
func (e Emulator) Enabled() bool { return e.Endpoint != "" }

// App is one application, deployed to both targets.
type App struct {
	// Name is a lowercase DNS label, unique in the project. Required.
	Name string `yaml:"name"`
	// Kind is "api", "site" or "model". Required. It is also the registry
	// namespace of the app's image.
	Kind Kind `yaml:"kind"`
	// Source is the app's directory (Dockerfile or static build), relative
	// to the project file. Default "apps/<name>".
	Source string `yaml:"source"`
	// Port the container listens on. Default 8080 (api, model), 80 (site).
	Port int `yaml:"port"`
	// HealthCheckPath answered with 2xx when healthy. Default "/healthz"
	// (api, model), "/" (site).
	HealthCheckPath string `yaml:"health_check_path"`
	// HealthCheckCommand is the on-prem container health check, in exec
	// form. Default: wget of http://127.0.0.1:<port><health_check_path>
	// (needs wget in the image; images without a shell give their own,
	// e.g. ["/notes-api", "-healthcheck"]).
	HealthCheckCommand []string `yaml:"health_check_command"`
	// HostPort is the on-prem host port the app is published on. Default
	// Port. Must not collide with another app, the registry or PostgreSQL.
	HostPort int `yaml:"host_port"`
	// Route selects the app's requests on the shared load balancer.
	// Default: the only api/model app gets every request; with several,
	// path "/<name>/*".
	Route Route `yaml:"route"`
	// Exec enables ECS Exec (a shell into running tasks). Default false.
	Exec bool `yaml:"exec"`
	// User is the user an api or model app's AWS task runs as: a uid,
	// uid:gid or a name the image knows; root is refused. Default
	// "65532:65532" (ecscluster.NonRootUser), which owns nothing in any
	// image. (The home server's containers take it with their hardening.)
	User string `yaml:"user"`
	// WritablePaths are the only paths an api or model app's AWS task may
	// write: its root filesystem is read-only, and each of these is an
	// empty task volume. Default ["/tmp"]
	// (ecscluster.DefaultWritablePaths).
	WritablePaths []string `yaml:"writable_paths"`
	// Domain is a custom domain for the CloudFront distribution of an api
	// or model app that no site serves (one a site serves answers under
	// the site's /api/). Default none: the distribution's *.cloudfront.net
	// name.
	Domain string `yaml:"domain"`
	// CertificateARN and CertificateDomain name Domain's certificate, as
	// for a site (Site). Default: the newest issued certificate named
	// Domain in us-east-1.
	CertificateARN    string `yaml:"certificate_arn"`
	CertificateDomain string `yaml:"certificate_domain"`
	// Site configures a site app (kind site): Source is its static build
	// output, holding index.html.
	Site Site `yaml:"site"`
	// Database gives the app its own PostgreSQL database: true, or the
	// settings in which its RDS instance differs from cloud.database (which
	// implies true). Default false.
	Database AppDatabase `yaml:"database"`
	// Env is plain environment for the container. Never put secrets here:
	// a value under a secret-looking name (…PASSWORD, …TOKEN, …API_KEY, …)
	// is refused.
	Env map[string]string `yaml:"env"`
	// Secrets are the names of environment variables whose values are
	// secret (api and model apps). Each value comes from the sensitive
	// Terraform variable app_secret_<app>_<name> (TF_VAR_…, see
	// AppSecretVariable): on the home server into the container's
	// environment, on AWS through a Secrets Manager secret
	// "<project>/<app>/<NAME>" the task reads at start. Default none.
	Secrets []string `yaml:"secrets"`
	// Egress is what the app's cloud tasks may reach besides HTTPS
	// anywhere and its database, e.g. {to: 203.0.113.0/24, port: 25}.
	// Default none. (Containers on the home server are not filtered.)
	Egress []Egress `yaml:"egress"`
	// Size is the app's capacity.
	Size Size `yaml:"size"`
}

// Site is how a front end is served.
type Site struct {
	// API is the name of an api/model app served under /api/ on the same
	// origin (nginx proxy on the home server, a CloudFront behaviour to the
	// load balancer on AWS). Default none.
	API string `yaml:"api"`
	// Domain is a custom domain for the CloudFront distribution. Default
	// none: the distribution's own *.cloudfront.net name.
	Domain string `yaml:"domain"`
	// CertificateARN is the ACM certificate for Domain; CloudFront only
	// takes certificates from us-east-1. Default: the newest issued
	// certificate named CertificateDomain in us-east-1, looked up at plan
	// time.
	CertificateARN string `yaml:"certificate_arn"`
	// CertificateDomain is the domain name of the certificate to look up
	// (e.g. "*.example.com" for a wildcard certificate); it must cover
	// Domain. Default: Domain.
	CertificateDomain string `yaml:"certificate_domain"`
	// Cache TTLs of CloudFront, in seconds. Defaults 0, 3600, 86400.
	MinTTL     *int `yaml:"min_ttl"`
	DefaultTTL *int `yaml:"default_ttl"`
	MaxTTL     *int `yaml:"max_ttl"`
}

// Egress is one outbound rule of an app (awsrules.Egress).
type Egress = awsrules.Egress

// Route is a load balancer listener rule: host and/or path pattern
// (awsrules.Route).
type Route = awsrules.Route

// Kind is the kind of an app, and its image namespace.
type Kind string

// The app kinds.
const (
	KindAPI   Kind = "api"
	KindSite  Kind = "site"
	KindModel Kind = "model"
)

// Kinds lists the valid kinds in a stable order.
var Kinds = []Kind{KindAPI, KindSite, KindModel}

// Size is an app's capacity on Fargate (cpu units and MiB) and its task
// counts; on the home server only Memory is applied, as a container limit
// (awsrules.TaskSize, with its defaults).
type Size = awsrules.TaskSize

// Release is how releases are signed (cosign key pair) and verified.
type Release struct {
	// PublicKeys are the cosign public keys (PEM files, relative to the
	// project file) a release may be signed with; several during a key
	// rotation. Default ["cosign.pub"].
	PublicKeys []string `yaml:"public_keys"`
}

// PublicKeyPaths are release.public_keys resolved against the project's
// directory.
func (p *Project) PublicKeyPaths() []string {
	out := make([]string, len(p.Release.PublicKeys))
	for i, k := range p.Release.PublicKeys {
		out[i] = p.Path(k)
	}
	return out
}

// Monitored says whether staging runs the home monitoring: unless it has
// no apps (nothing to probe) or onprem.monitoring.disabled is set.
func (p *Project) Monitored() bool {
	return len(p.Apps) > 0 && !p.OnPrem.Monitoring.Disabled
}

// Path is a path of the project file resolved against its directory
// (an absolute one as it is).
func (p *Project) Path(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(p.Dir, path)
}
