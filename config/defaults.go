package config

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/naming"
)

// Defaults applied by Normalize. Each is documented on its field in spec.go.
const (
	DefaultOnPremEnvironment = "staging"
	DefaultDockerHost        = "unix:///var/run/docker.sock"
	DefaultRegistryAddress   = "127.0.0.1"
	DefaultRegistryPort      = 5000
	DefaultRegistryImage     = "registry:2.8.3"
	DefaultBackupSchedule    = "17 3 * * *"
	DefaultBackupKeep        = 7
	// Off-site snapshots restic keeps: a week of days, a month of weeks,
	// a year of months.
	DefaultOffsiteKeepDaily   = 7
	DefaultOffsiteKeepWeekly  = 4
	DefaultOffsiteKeepMonthly = 12
	DefaultPostgresBackupAt   = "03:47"
	DefaultLogMaxSize         = "10m"
	DefaultLogMaxFiles        = 3
	DefaultPostgresBind       = "127.0.0.1"
	DefaultPostgresHost       = "127.0.0.1"
	DefaultPostgresPort       = 5432
	DefaultPostgresAdmin      = "postgres"
	DefaultPostgresVersion    = "16"
	DefaultPostgresSSLMode    = "disable"
	DefaultCloudEnvironment   = "production"
	DefaultRegion             = "us-east-1"
	DefaultVPCCIDR            = "10.0.0.0/16"
	DefaultGitHubBranch       = "main"
	DefaultDeployEnvironment  = "production"
	DefaultReleaseEnv         = "release"
	DefaultPublicKey          = "cosign.pub"
	DefaultLogRetentionDays   = 30
	DefaultKeepTaggedImages   = 30
	DefaultUntaggedExpiry     = 7
	DefaultMigrations         = "migrations"
	DefaultInstanceClass      = "db.t4g.micro"
	DefaultAllocatedStorage   = 20
	DefaultMaxStorage         = 100
	DefaultBackupRetention    = 7
	DefaultServicePort        = 8080
	DefaultSitePort           = 80
	DefaultServiceHealthPath  = "/healthz"
	DefaultSiteHealthPath     = "/"
	DefaultCPU                = 256
	DefaultMemory             = 512
	DefaultDesiredCount       = 1
	DefaultMinCount           = 1
	DefaultMaxCount           = 2
	DefaultWAFRateLimit       = 2000
	DefaultAccessLogDays      = 90
	DefaultEgressProtocol     = "tcp"
	DefaultPreviewDomain      = "localhost"
	DefaultPreviewPort        = 8090
	DefaultPreviewMax         = 3
	DefaultPreviewMaxAgeDays  = 7
	// MaxPreviews bounds onprem.previews.max: each preview is a full copy
	// of the apps on one machine.
	MaxPreviews = 20
	// DefaultPreviewConnectionLimit and DefaultPreviewCPUShares: see
	// Previews.
	DefaultPreviewConnectionLimit = 10
	DefaultPreviewCPUShares       = 256
)

// PostgresImageTags pins the official postgres image per major version.
var PostgresImageTags = map[string]string{
	"13": "13.18-bookworm",
	"14": "14.15-bookworm",
	"15": "15.10-bookworm",
	"16": "16.6-bookworm",
	"17": "17.2-bookworm",
}

// applyDefaults fills every empty field that has a default. It never
// overwrites a value the user set.
func (p *Project) applyDefaults() {
	p.Alerts.Thresholds = p.Alerts.Thresholds.WithDefaults()
	p.OnPrem.Monitoring = p.OnPrem.Monitoring.WithDefaults()
	o := &p.OnPrem
	setString(&o.Environment, DefaultOnPremEnvironment)
	setString(&o.DockerHost, DefaultDockerHost)
	if p.Name != "" {
		setString(&o.Network.Name, naming.PlatformNetwork(p.Name).Value)
	}
	setString(&o.Registry.BindAddress, DefaultRegistryAddress)
	setInt(&o.Registry.Port, DefaultRegistryPort)
	setString(&o.Postgres.Host, DefaultPostgresHost)
	setInt(&o.Postgres.Port, DefaultPostgresPort)
	setString(&o.Postgres.AdminUser, DefaultPostgresAdmin)
	setString(&o.Postgres.Version, DefaultPostgresVersion)
	setString(&o.Postgres.SSLMode, DefaultPostgresSSLMode)
	setString(&o.Postgres.BindAddress, DefaultPostgresBind)
	if tag, ok := PostgresImageTags[o.Postgres.Version]; ok {
		setString(&o.Postgres.ImageTag, tag)
	}
	setString(&o.Registry.Image, DefaultRegistryImage)
	setString(&o.Registry.Backup.Schedule, DefaultBackupSchedule)
	setInt(&o.Registry.Backup.Keep, DefaultBackupKeep)
	setString(&o.Postgres.Backup.Time, DefaultPostgresBackupAt)
	setInt(&o.Postgres.Backup.Keep, DefaultBackupKeep)
	setInt(&o.Offsite.KeepDaily, DefaultOffsiteKeepDaily)
	setInt(&o.Offsite.KeepWeekly, DefaultOffsiteKeepWeekly)
	setInt(&o.Offsite.KeepMonthly, DefaultOffsiteKeepMonthly)
	setString(&o.LogMaxSize, DefaultLogMaxSize)
	setString(&o.AppsBindAddress, DefaultRegistryAddress)
	setInt(&o.LogMaxFiles, DefaultLogMaxFiles)
	setString(&o.Previews.Domain, DefaultPreviewDomain)
	setInt(&o.Previews.Port, DefaultPreviewPort)
	setInt(&o.Previews.Max, DefaultPreviewMax)
	setInt(&o.Previews.MaxAgeDays, DefaultPreviewMaxAgeDays)
	setInt(&o.Previews.ConnectionLimit, DefaultPreviewConnectionLimit)
	setInt(&o.Previews.CPUShares, DefaultPreviewCPUShares)
	if p.Name != "" {
		setString(&o.StateDir, "~/.local/state/fullstack/"+p.Name+"-"+o.Environment)
	}

	c := &p.Cloud
	setString(&c.Environment, DefaultCloudEnvironment)
	setString(&c.Region, DefaultRegion)
	setString(&c.VPCCIDR, DefaultVPCCIDR)
	if len(c.AvailabilityZones) == 0 {
		c.AvailabilityZones = []string{c.Region + "a", c.Region + "b"}
	}
	if c.StateBackend.Bucket != "" && p.Name != "" {
		setString(&c.StateBackend.Key, p.Name+"/cloud.tfstate")
	}
	setString(&c.GitHub.Branch, DefaultGitHubBranch)
	setString(&c.GitHub.Environment, DefaultDeployEnvironment)
	setString(&c.GitHub.ReleaseEnvironment, DefaultReleaseEnv)
	if len(p.Release.PublicKeys) == 0 {
		p.Release.PublicKeys = []string{DefaultPublicKey}
	}
	if c.NAT == "" {
		c.NAT = NATNone
		if c.Environment == DefaultCloudEnvironment {
			c.NAT = NATSingle
		}
	}
	setInt(&c.LogRetentionDays, DefaultLogRetentionDays)
	setInt(&c.ECR.KeepTaggedImages, DefaultKeepTaggedImages)
	setInt(&c.ECR.UntaggedExpiryDays, DefaultUntaggedExpiry)
	setString(&c.Database.InstanceClass, DefaultInstanceClass)
	setInt(&c.Database.AllocatedStorage, DefaultAllocatedStorage)
	setInt(&c.Database.MaxAllocatedStorage, max(DefaultMaxStorage, c.Database.AllocatedStorage))
	if c.Database.BackupRetentionDays == 0 && !c.Database.Disposable {
		c.Database.BackupRetentionDays = DefaultBackupRetention
	}
	setInt(&c.Security.WAF.RateLimit, DefaultWAFRateLimit)
	setInt(&c.Security.AccessLogs.RetentionDays, DefaultAccessLogDays)
	setString(&p.Migrations, DefaultMigrations)
	setString(&p.Dir, ".")

	services := 0
	for _, a := range p.Apps {
		if a.Kind != KindSite {
			services++
		}
	}
	for i := range p.Apps {
		a := &p.Apps[i]
		if a.Kind != KindSite && services > 1 && a.Route == (Route{}) {
			a.Route.Path = "/" + a.Name + "/*"
		}
		setString(&a.Source, "apps/"+a.Name)
		if a.Kind == KindSite {
			setInt(&a.Port, DefaultSitePort)
			setString(&a.HealthCheckPath, DefaultSiteHealthPath)
		} else {
			setInt(&a.Port, DefaultServicePort)
			setString(&a.HealthCheckPath, DefaultServiceHealthPath)
		}
		setInt(&a.HostPort, a.Port)
		if a.Kind == KindSite {
			setIntPtr(&a.Site.MinTTL, 0)
			setIntPtr(&a.Site.DefaultTTL, 3600)
			setIntPtr(&a.Site.MaxTTL, 86400)
		}
		if len(a.HealthCheckCommand) == 0 {
			a.HealthCheckCommand = []string{"CMD-SHELL", fmt.Sprintf("wget -q -O /dev/null http://127.0.0.1:%d%s || exit 1", a.Port, a.HealthCheckPath)}
		}
		for j := range a.Egress {
			setString(&a.Egress[j].Protocol, DefaultEgressProtocol)
		}
		setInt(&a.Size.CPU, DefaultCPU)
		setInt(&a.Size.Memory, DefaultMemory)
		setInt(&a.Size.DesiredCount, DefaultDesiredCount)
		setInt(&a.Size.MinCount, DefaultMinCount)
		setInt(&a.Size.MaxCount, DefaultMaxCount)
	}
}

func setString(field *string, def string) {
	if *field == "" {
		*field = def
	}
}

func setIntPtr(field **int, def int) {
	if *field == nil {
		*field = &def
	}
}

func setInt(field *int, def int) {
	if *field == 0 {
		*field = def
	}
}
