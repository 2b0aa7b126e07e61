package config

import (
	"fmt"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/healthspec"
	"github.com/homecloud-dev/fullstack/homerules"
	"github.com/homecloud-dev/fullstack/pinned"

	"github.com/homecloud-dev/fullstack/naming"
)

// Defaults applied by Normalize. Each is documented on its field in spec.go.
const (
	DefaultOnPremEnvironment = "staging"
	DefaultRegistryAddress   = "127.0.0.1"
	DefaultRegistryPort      = 5000
	// Off-site snapshots restic keeps: a week of days, a month of weeks,
	// a year of months.
	DefaultOffsiteKeepDaily   = 7
	DefaultOffsiteKeepWeekly  = 4
	DefaultOffsiteKeepMonthly = 12
	DefaultPostgresBackupAt   = "03:47"
	DefaultPostgresBind       = "127.0.0.1"
	DefaultPostgresHost       = "127.0.0.1"
	DefaultPostgresPort       = 5432
	DefaultCloudEnvironment   = "production"
	DefaultRegion             = "us-east-1"
	DefaultVPCCIDR            = "10.0.0.0/16"
	DefaultGitHubBranch       = "main"
	DefaultDeployEnvironment  = "production"
	DefaultReleaseEnv         = "release"
	DefaultPublicKey          = "cosign.pub"
	DefaultMigrations         = "migrations"
	DefaultServicePort        = 8080
	DefaultSitePort           = 80
	DefaultServiceHealthPath  = healthspec.DefaultServicePath
	DefaultSiteHealthPath     = "/"
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

// applyDefaults fills every empty field that has a default. It never
// overwrites a value the user set.
func (p *Project) applyDefaults() {
	p.Alerts.Thresholds = p.Alerts.Thresholds.WithDefaults()
	p.OnPrem.Monitoring = p.OnPrem.Monitoring.WithDefaults()
	o := &p.OnPrem
	setString(&o.Environment, DefaultOnPremEnvironment)
	setString(&o.DockerHost, homerules.DefaultDockerHost)
	if p.Name != "" {
		setString(&o.Network.Name, naming.PlatformNetwork(p.Name).Value)
	}
	setString(&o.Registry.BindAddress, DefaultRegistryAddress)
	setInt(&o.Registry.Port, DefaultRegistryPort)
	setString(&o.Postgres.Host, DefaultPostgresHost)
	setInt(&o.Postgres.Port, DefaultPostgresPort)
	setString(&o.Postgres.AdminUser, homerules.DefaultPostgresAdmin)
	setString(&o.Postgres.Version, pinned.DefaultPostgresVersion)
	setString(&o.Postgres.SSLMode, homerules.DefaultPostgresSSLMode)
	setString(&o.Postgres.BindAddress, DefaultPostgresBind)
	if tag, ok := pinned.PostgresTags[o.Postgres.Version]; ok {
		setString(&o.Postgres.ImageTag, tag)
	}
	setString(&o.Registry.Image, pinned.Registry)
	setString(&o.Registry.Backup.Schedule, homerules.DefaultRegistryBackupSchedule)
	setInt(&o.Registry.Backup.Keep, homerules.DefaultBackupKeep)
	setString(&o.Postgres.Backup.Time, DefaultPostgresBackupAt)
	setInt(&o.Postgres.Backup.Keep, homerules.DefaultBackupKeep)
	setInt(&o.Offsite.KeepDaily, DefaultOffsiteKeepDaily)
	setInt(&o.Offsite.KeepWeekly, DefaultOffsiteKeepWeekly)
	setInt(&o.Offsite.KeepMonthly, DefaultOffsiteKeepMonthly)
	setString(&o.LogMaxSize, homerules.DefaultLogMaxSize)
	setString(&o.AppsBindAddress, DefaultRegistryAddress)
	setInt(&o.LogMaxFiles, homerules.DefaultLogMaxFiles)
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
	setInt(&c.LogRetentionDays, awsrules.DefaultLogRetentionDays)
	setInt(&c.ECR.KeepTaggedImages, awsrules.DefaultKeepTaggedImages)
	setInt(&c.ECR.UntaggedExpiryDays, awsrules.DefaultUntaggedExpiryDays)
	setString(&c.Database.InstanceClass, awsrules.DefaultInstanceClass)
	setInt(&c.Database.AllocatedStorage, awsrules.DefaultAllocatedStorage)
	setInt(&c.Database.MaxAllocatedStorage, max(awsrules.DefaultMaxAllocatedStorage, c.Database.AllocatedStorage))
	if c.Database.BackupRetentionDays == 0 && !c.Database.Disposable {
		c.Database.BackupRetentionDays = awsrules.DefaultBackupRetentionDays
	}
	setInt(&c.Security.WAF.RateLimit, awsrules.DefaultWAFRateLimit)
	setInt(&c.Security.AccessLogs.RetentionDays, awsrules.DefaultAccessLogRetentionDays)
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
			setIntPtr(&a.Site.MinTTL, awsrules.DefaultMinTTL)
			setIntPtr(&a.Site.DefaultTTL, awsrules.DefaultDefaultTTL)
			setIntPtr(&a.Site.MaxTTL, awsrules.DefaultMaxTTL)
		}
		if len(a.HealthCheckCommand) == 0 {
			a.HealthCheckCommand = []string{"CMD-SHELL", fmt.Sprintf("wget -q -O /dev/null http://127.0.0.1:%d%s || exit 1", a.Port, a.HealthCheckPath)}
		}
		for j := range a.Egress {
			setString(&a.Egress[j].Protocol, awsrules.DefaultEgressProtocol)
		}
		a.Size = a.Size.WithDefaults()
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
