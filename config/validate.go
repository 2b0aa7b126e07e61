package config

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/awsrules"

	"github.com/robfig/cron/v3"

	"github.com/homecloud-dev/fullstack/homerules"
	"github.com/homecloud-dev/fullstack/naming"
)

// Normalize applies the documented defaults and validates the project. It
// returns every problem at once, joined; each is a *FieldError.
func (p *Project) Normalize() error {
	p.applyDefaults()
	return p.validate().join()
}

func (p *Project) validate() problems {
	var errs problems
	switch {
	case p.Name == "":
		errs.add("project", nil, "is required")
	case !isDNSLabel(p.Name):
		errs.add("project", p.Name, ruleDNSLabel)
	}
	if filepath.IsAbs(p.Migrations) || strings.HasPrefix(filepath.Clean(p.Migrations), "..") {
		errs.add("migrations", p.Migrations, "must be a directory inside the project (relative, not leaving it)")
	}
	validateOnPrem(&errs, &p.OnPrem)
	validateCloud(&errs, &p.Cloud)
	validateApps(&errs, p)
	if p.Cloud.Backup.Enabled && !slices.ContainsFunc(p.Apps, func(a App) bool { return a.Database.Enabled }) {
		errs.add("cloud.backup.enabled", "true", "has nothing to back up: no app has a database")
	}
	for _, a := range p.Alerts.Check() {
		errs.add("alerts."+a.Field, a.Value, "%s", a.Rule)
	}
	for _, a := range p.OnPrem.Monitoring.Check(p.Alerts.Email) {
		errs.add("onprem.monitoring."+a.Field, a.Value, "%s", a.Rule)
	}
	if f := p.OnPrem.Monitoring.WebhookCAFile; f != "" {
		if rule := certificatesRule(p.Path(f)); rule != "" {
			errs.add("onprem.monitoring.webhook_ca_file", f, "%s", rule)
		}
	}
	for i, k := range p.Release.PublicKeys {
		if strings.TrimSpace(k) == "" {
			errs.add(fmt.Sprintf("release.public_keys[%d]", i), k, "is empty: name a cosign public key file (PEM)")
		}
	}
	return errs
}

// dockerBridge is the subnet of Docker's default bridge network.
var dockerBridge = netip.MustParsePrefix("172.17.0.0/16")

// backupTime is HH:MM on a 24-hour clock.
var backupTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func validateOnPrem(errs *problems, o *OnPrem) {
	if !isDNSLabel(o.Environment) {
		errs.add("onprem.environment", o.Environment, ruleDNSLabel)
	}
	if rule := dockerHostRule(o.DockerHost); rule != "" {
		errs.add("onprem.docker_host", o.DockerHost, "%s", rule)
	}
	if o.StateDir != "" && !strings.HasPrefix(o.StateDir, "~/") && !filepath.IsAbs(o.StateDir) {
		errs.add("onprem.state_dir", o.StateDir, "must be absolute or start with ~/ (state must not depend on the directory a deploy runs in)")
	}
	// Empty only when the project name is missing or wrong, which is
	// reported already.
	if o.Network.Name != "" && !dockerName.MatchString(o.Network.Name) {
		errs.add("onprem.network.name", o.Network.Name, "is not a Docker network name: use letters, digits, '_', '.', '-', starting with a letter or digit, at most 63 chars")
	}
	if o.Network.Subnet != "" {
		if n, err := parseNetwork(o.Network.Subnet); err != nil {
			errs.add("onprem.network.subnet", o.Network.Subnet, "%s", err)
		} else if n.Overlaps(dockerBridge) {
			errs.add("onprem.network.subnet", o.Network.Subnet, "overlaps Docker's default bridge network %s: Docker refuses to create it there (choose another range, e.g. 172.30.0.0/16)", dockerBridge)
		}
	}
	if addr, err := netip.ParseAddr(o.Registry.BindAddress); err == nil && !addr.Is4() {
		errs.add("onprem.registry.bind_address", o.Registry.BindAddress, "is not an IPv4 address: image names embed the registry address, and an IPv6 one makes them invalid (use 127.0.0.1 or 0.0.0.0)")
	} else if err != nil {
		errs.add("onprem.registry.bind_address", o.Registry.BindAddress, "is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)")
	}
	checkPort(errs, "onprem.registry.port", o.Registry.Port)
	validateRegistry(errs, o.Registry)
	if !backupTime.MatchString(o.Postgres.Backup.Time) {
		errs.add("onprem.postgres.backup.time", o.Postgres.Backup.Time, "is not a time of day HH:MM (24 h, UTC), e.g. \"03:47\"")
	}
	if o.Postgres.Memory != 0 && o.Postgres.Memory < homerules.MinPostgresMemoryMiB {
		errs.add("onprem.postgres.memory", o.Postgres.Memory, "must be at least %d (MiB: PostgreSQL's shared_buffers alone take 128), or left out for the default", homerules.MinPostgresMemoryMiB)
	}
	if o.Postgres.Backup.Keep < 1 {
		errs.add("onprem.postgres.backup.keep", o.Postgres.Backup.Keep, "must keep at least 1 backup")
	}
	validateOffsite(errs, o)
	if !dockerLogSize.MatchString(o.LogMaxSize) {
		errs.add("onprem.log_max_size", o.LogMaxSize, "is not a Docker log size: a number with k, m or g (e.g. 10m)")
	}
	if o.LogMaxFiles < 1 {
		errs.add("onprem.log_max_files", o.LogMaxFiles, "must be at least 1")
	}
	validatePreviews(errs, o.Previews)
	pg := o.Postgres
	if _, err := netip.ParseAddr(pg.BindAddress); err != nil {
		errs.add("onprem.postgres.bind_address", pg.BindAddress, "is not an IP address (e.g. 127.0.0.1)")
	}
	if pg.ImageTag != "" && !strings.HasPrefix(pg.ImageTag, pg.Version+".") && pg.ImageTag != pg.Version && !strings.HasPrefix(pg.ImageTag, pg.Version+"-") {
		errs.add("onprem.postgres.image_tag", pg.ImageTag, "is not a tag of PostgreSQL %s: the major version must match onprem.postgres.version (its data directory is version-specific)", pg.Version)
	}
	if !hostnameOrIP.MatchString(pg.Host) {
		errs.add("onprem.postgres.host", pg.Host, "is not a host name or IP address")
	}
	checkPort(errs, "onprem.postgres.port", pg.Port)
	if o.Registry.Port == pg.Port {
		errs.add("onprem.postgres.port", pg.Port, "conflicts with onprem.registry.port: each published port must be unique on the host")
	}
	if _, err := netip.ParseAddr(o.AppsBindAddress); err != nil {
		errs.add("onprem.apps_bind_address", o.AppsBindAddress, "is not an IP address (e.g. 127.0.0.1)")
	}
	if !pgIdentifier.MatchString(pg.AdminUser) {
		errs.add("onprem.postgres.admin_user", pg.AdminUser, "is not a PostgreSQL role name: use a-z, 0-9 and '_', starting with a letter or '_', at most 63 chars")
	}
	if !slices.Contains(postgresVersions, pg.Version) {
		errs.add("onprem.postgres.version", pg.Version, "is not a supported PostgreSQL major version: use one of %s", strings.Join(postgresVersions, ", "))
	}
	if !slices.Contains(sslModes, pg.SSLMode) {
		errs.add("onprem.postgres.sslmode", pg.SSLMode, "is not a libpq sslmode: use one of %s", strings.Join(sslModes, ", "))
	}
}

func validatePreviews(errs *problems, v Previews) {
	if !routeHost.MatchString(v.Domain) && !isDNSLabel(v.Domain) || strings.HasPrefix(v.Domain, "*.") {
		errs.add("onprem.previews.domain", v.Domain, "is not a DNS name (e.g. localhost or preview.example.com): previews answer at pr-<n>.<domain>")
	}
	checkPort(errs, "onprem.previews.port", v.Port)
	if v.Max < 1 || v.Max > MaxPreviews {
		errs.add("onprem.previews.max", v.Max, "must be 1-%d", MaxPreviews)
	}
	if v.MaxAgeDays < 1 {
		errs.add("onprem.previews.max_age_days", v.MaxAgeDays, "must be at least 1 day")
	}
	if v.ConnectionLimit < 1 {
		errs.add("onprem.previews.connection_limit", v.ConnectionLimit, "must be at least 1 connection")
	}
	if v.CPUShares < 2 || v.CPUShares > 262144 {
		errs.add("onprem.previews.cpu_shares", v.CPUShares, "must be 2-262144 (Docker's CPU shares; staging has 1024)")
	}
}

func validateRegistry(errs *problems, r Registry) {
	if !imageRef.MatchString(r.Image) || strings.HasSuffix(r.Image, ":latest") {
		errs.add("onprem.registry.image", r.Image, "must be an image pinned to a tag other than latest (e.g. registry:2.8.3)")
	}
	if (r.TLS.CertFile == "") != (r.TLS.KeyFile == "") {
		errs.add("onprem.registry.tls", r.TLS.CertFile+","+r.TLS.KeyFile, "needs both cert_file and key_file")
	}
	for _, f := range [][2]string{{"onprem.registry.tls.cert_file", r.TLS.CertFile}, {"onprem.registry.tls.key_file", r.TLS.KeyFile}} {
		if f[1] != "" && !filepath.IsAbs(f[1]) {
			errs.add(f[0], f[1], "must be an absolute path on the Docker host")
		}
	}
	if addr, err := netip.ParseAddr(r.BindAddress); err == nil && r.HTPasswd && !r.TLS.Enabled() && !addr.IsLoopback() {
		errs.add("onprem.registry.htpasswd", "true", "needs onprem.registry.tls when the registry listens beyond loopback: passwords would cross the network in clear text")
	}
	if _, err := cron.ParseStandard(r.Backup.Schedule); err != nil || strings.HasPrefix(r.Backup.Schedule, "@") || strings.HasPrefix(r.Backup.Schedule, "TZ=") {
		errs.add("onprem.registry.backup.schedule", r.Backup.Schedule, "is not a 5-field cron expression (minute hour day month weekday, e.g. \"17 3 * * *\")")
	}
	if r.Backup.Keep < 1 {
		errs.add("onprem.registry.backup.keep", r.Backup.Keep, "must keep at least 1 snapshot")
	}
}

func validateCloud(errs *problems, c *Cloud) {
	if !isDNSLabel(c.Environment) {
		errs.add("cloud.environment", c.Environment, ruleDNSLabel)
	}
	regionOK := awsRegion.MatchString(c.Region)
	if !regionOK {
		errs.add("cloud.region", c.Region, "is not an AWS region name (e.g. us-east-1, eu-west-2)")
	} else if !slices.Contains(AWSRegions, c.Region) {
		errs.add("cloud.region", c.Region, "is not a region AWS has (known: %s)", strings.Join(AWSRegions, ", "))
		regionOK = false
	}
	if cidr, err := parseNetwork(c.VPCCIDR); err != nil {
		errs.add("cloud.vpc_cidr", c.VPCCIDR, "%s", err)
	} else {
		if !isPrivate(cidr) {
			errs.add("cloud.vpc_cidr", c.VPCCIDR, "is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
		}
		if cidr.Bits() < 16 || cidr.Bits() > 24 {
			errs.add("cloud.vpc_cidr", c.VPCCIDR, "must have a prefix length from /16 to /24 (AWS allows /16 at most; smaller than /24 leaves no room for the subnets)")
		} else if _, _, err := naming.SubnetPlan(cidr, len(c.AvailabilityZones)); err != nil && len(c.AvailabilityZones) > 0 {
			errs.add("cloud.vpc_cidr", c.VPCCIDR, "%s", err)
		}
	}
	if len(c.AvailabilityZones) < 2 {
		errs.add("cloud.availability_zones", strings.Join(c.AvailabilityZones, ","), "must list at least 2 zones (RDS and load balancers need two)")
	}
	seen := map[string]bool{}
	for i, az := range c.AvailabilityZones {
		path := fmt.Sprintf("cloud.availability_zones[%d]", i)
		if regionOK && (!strings.HasPrefix(az, c.Region) || len(az) != len(c.Region)+1 || az[len(az)-1] < 'a' || az[len(az)-1] > maxZoneLetter) {
			errs.add(path, az, "is not a zone of region %s (%sa to %s%c at most; check the zones your account sees)", c.Region, c.Region, c.Region, maxZoneLetter)
		}
		if seen[az] {
			errs.add(path, az, "is listed twice")
		}
		seen[az] = true
	}
	if !slices.Contains(NATStrategies, c.NAT) {
		errs.add("cloud.nat", string(c.NAT), "is not a NAT strategy: use none, single or per-az")
	}
	if !slices.Contains(awsrules.LogRetentionDays, c.LogRetentionDays) {
		errs.add("cloud.log_retention_days", c.LogRetentionDays, "is not a retention CloudWatch accepts: use one of %s", joinInts(awsrules.LogRetentionDays))
	}
	if c.ECR.KeepTaggedImages < 1 {
		errs.add("cloud.ecr.keep_tagged_images", c.ECR.KeepTaggedImages, "must be at least 1")
	}
	if c.ECR.UntaggedExpiryDays < 1 {
		errs.add("cloud.ecr.untagged_expiry_days", c.ECR.UntaggedExpiryDays, "must be at least 1 day")
	}
	validateDatabase(errs, "cloud.database.", c.Database)
	validateBackup(errs, c)
	validateSecurity(errs, c)
	if a := c.CertificateARN; a != "" {
		errs.add("cloud.certificate_arn", a, "is no longer used: the load balancer is internal and only CloudFront reaches it; "+
			"put custom domains on the distributions (apps[].site.domain, or apps[].domain for an API no site serves) and remove this key (docs/operations.md: Upgrading to the private edge)")
	}
	validateStateBackend(errs, c.StateBackend)
	validateGitHub(errs, c.GitHub)
	if e := c.Emulator.Endpoint; e != "" {
		if rule := endpointRule(e); rule != "" {
			errs.add("cloud.emulator.endpoint", e, "%s", rule)
		}
	}
	if b := c.Emulator.CABundle; b != "" {
		if rule := caBundleRule(c.Emulator.Endpoint, b); rule != "" {
			errs.add("cloud.emulator.ca_bundle", b, "%s", rule)
		}
	}
}

var acmARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)

var instanceClass = regexp.MustCompile(`^db\.[a-z0-9]+\.[a-z0-9]+$`)

// validateAppDatabase checks an app's RDS settings merged with the
// project's, reporting only the settings the app itself wrote: a problem
// in cloud.database is reported once, there.
func validateAppDatabase(errs *problems, path string, d AppDatabase, project Database) {
	var all problems
	validateDatabase(&all, path+".", d.Settings(project))
	own := map[string]bool{
		"instance_class":        d.InstanceClass != "",
		"allocated_storage":     d.AllocatedStorage != 0,
		"max_allocated_storage": d.MaxAllocatedStorage != 0 || d.AllocatedStorage != 0,
		"backup_retention_days": d.BackupRetentionDays != 0,
	}
	for _, e := range all {
		if own[strings.TrimPrefix(e.Path, path+".")] {
			*errs = append(*errs, e)
		}
	}
	if !d.Enabled && d != (AppDatabase{}) {
		errs.add(path, "false", "has settings but is off")
	}
}

// validateDatabase checks RDS settings under prefix ("cloud.database." or
// "apps[i].database.").
func validateDatabase(errs *problems, prefix string, d Database) {
	if !instanceClass.MatchString(d.InstanceClass) {
		errs.add(prefix+"instance_class", d.InstanceClass, "is not an RDS instance class (db.<family>.<size>, e.g. db.t4g.micro)")
	}
	if d.AllocatedStorage < awsrules.RDSMinStorageGiB || d.AllocatedStorage > awsrules.RDSMaxStorageGiB {
		errs.add(prefix+"allocated_storage", d.AllocatedStorage, "is outside what RDS PostgreSQL on gp3 accepts: %d to %d GiB", awsrules.RDSMinStorageGiB, awsrules.RDSMaxStorageGiB)
	}
	if d.MaxAllocatedStorage < d.AllocatedStorage || d.MaxAllocatedStorage > awsrules.RDSMaxStorageGiB {
		errs.add(prefix+"max_allocated_storage", d.MaxAllocatedStorage, "must be from allocated_storage (%d) to %d GiB", d.AllocatedStorage, awsrules.RDSMaxStorageGiB)
	}
	if d.BackupRetentionDays < 0 || d.BackupRetentionDays > awsrules.RDSMaxBackupRetentionDays {
		errs.add(prefix+"backup_retention_days", d.BackupRetentionDays, "is outside 0-%d days (what RDS allows)", awsrules.RDSMaxBackupRetentionDays)
	}
}

func validateStateBackend(errs *problems, s StateBackend) {
	if s.Bucket == "" {
		if s.LockTable != "" {
			errs.add("cloud.state_backend.lock_table", s.LockTable, "needs cloud.state_backend.bucket: a lock table only locks S3 state")
		}
		return
	}
	if !s3BucketName.MatchString(s.Bucket) || strings.Contains(s.Bucket, "..") {
		errs.add("cloud.state_backend.bucket", s.Bucket, "is not an S3 bucket name: 3-63 chars of a-z, 0-9, '.', '-', starting and ending with a letter or digit")
	}
	if strings.HasPrefix(s.Key, "/") {
		errs.add("cloud.state_backend.key", s.Key, "must not start with '/'")
	}
	if s.LockTable != "" && !dynamoTable.MatchString(s.LockTable) {
		errs.add("cloud.state_backend.lock_table", s.LockTable, "is not a DynamoDB table name: 3-255 chars of A-Z, a-z, 0-9, '_', '.', '-'")
	}
}

func validateGitHub(errs *problems, g GitHub) {
	if (g.Owner == "") != (g.Repo == "") {
		errs.add("cloud.github", g.Owner+"/"+g.Repo, "needs both owner and repo, or neither")
	}
	if g.Owner != "" && !githubOwner.MatchString(g.Owner) {
		errs.add("cloud.github.owner", g.Owner, "is not a GitHub user or organisation name: letters, digits and '-', at most 39 chars")
	}
	if g.Repo != "" && !githubRepo.MatchString(g.Repo) {
		errs.add("cloud.github.repo", g.Repo, "is not a GitHub repository name: letters, digits, '.', '_', '-', at most 100 chars")
	}
	if strings.Trim(g.Branch, "*/") == "" {
		errs.add("cloud.github.branch", g.Branch, "would trust every branch: name one branch (e.g. main)")
	}
	if g.OIDCProviderARN != "" && !oidcProviderARN.MatchString(g.OIDCProviderARN) {
		errs.add("cloud.github.oidc_provider_arn", g.OIDCProviderARN, "is not the ARN of a GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)")
	}
	for _, f := range [][2]string{{"cloud.github.environment", g.Environment}, {"cloud.github.release_environment", g.ReleaseEnvironment}} {
		field, env := f[0], f[1]
		if env == "" || strings.ContainsAny(env, "*?") {
			errs.add(field, env, "must name one GitHub environment: each role trusts exactly one")
		}
	}
	if g.Environment != "" && g.Environment == g.ReleaseEnvironment {
		errs.add("cloud.github.release_environment", g.ReleaseEnvironment, "must differ from cloud.github.environment: the promote and deploy roles trust different environments")
	}
	if strings.ContainsAny(g.Branch, " ~^:?[\\") {
		errs.add("cloud.github.branch", g.Branch, "is not a git branch name")
	}
}

func validateApps(errs *problems, p *Project) {
	firstIndex := map[string]int{}
	for i := range p.Apps {
		a := &p.Apps[i]
		at := func(field string) string { return fmt.Sprintf("apps[%d].%s", i, field) }
		switch {
		case a.Name == "":
			errs.add(at("name"), nil, "is required")
		case !isDNSLabel(a.Name):
			errs.add(at("name"), a.Name, ruleDNSLabel)
		default:
			if slices.Contains(platformNames, a.Name) || strings.HasSuffix(a.Name, "-flyway") {
				errs.add(at("name"), a.Name, "is taken by the platform (its containers are <project>-%s; reserved: %s and names ending in -flyway): rename the app",
					a.Name, strings.Join(platformNames, ", "))
			}
			if j, dup := firstIndex[a.Name]; dup {
				errs.add(at("name"), a.Name, "is already the name of apps[%d]: app names must be unique", j)
			} else {
				firstIndex[a.Name] = i
			}
			if p.Name != "" && isDNSLabel(p.Name) {
				for _, n := range naming.AppNames(p.Name, string(a.Kind), a.Name) {
					if n.TooLong() {
						errs.add(at("name"), a.Name, "%s: shorten the project or app name", n.Describe())
					}
				}
			}
		}
		if !slices.Contains(Kinds, a.Kind) {
			errs.add(at("kind"), string(a.Kind), "is not an app kind: use one of api, site, model")
		}
		if filepath.IsAbs(a.Source) || strings.HasPrefix(filepath.Clean(a.Source), "..") {
			errs.add(at("source"), a.Source, "must be a directory inside the project (relative, not leaving it)")
		}
		checkPort(errs, at("port"), a.Port)
		checkPort(errs, at("host_port"), a.HostPort)
		if a.Kind != KindSite && a.Source != "" {
			dockerfile := filepath.Join(p.Dir, a.Source, "Dockerfile")
			if fi, err := os.Stat(dockerfile); err != nil {
				errs.add(at("source"), a.Source, "has no Dockerfile (%s): %s apps are built from one", dockerfile, a.Kind)
			} else if !fi.Mode().IsRegular() {
				errs.add(at("source"), a.Source, "has a Dockerfile that is not a file (%s): it must be the build file itself", dockerfile)
			}
		}
		if a.Kind == KindSite {
			validateSite(errs, p, a, at)
		}
		if len(a.HealthCheckCommand) < 2 || (a.HealthCheckCommand[0] != "CMD" && a.HealthCheckCommand[0] != "CMD-SHELL") {
			errs.add(at("health_check_command"), strings.Join(a.HealthCheckCommand, " "), "must start with CMD (exec form) or CMD-SHELL, followed by the command")
		}
		if a.Kind != KindSite && a.Port > 0 && a.Port < awsrules.MinUnprivilegedPort {
			errs.add(at("port"), a.Port, "is below %d: on AWS the app runs as a non-root user with every capability dropped, which cannot bind it; listen on %d or above (e.g. 8080)", awsrules.MinUnprivilegedPort, awsrules.MinUnprivilegedPort)
		}
		if awsrules.IsRootUser(a.User) {
			errs.add(at("user"), a.User, "runs the app as root; leave it out (a non-root uid) or give the non-root uid the image needs")
		}
		for j, w := range a.WritablePaths {
			if !awsrules.IsWritablePath(w) {
				errs.add(at(fmt.Sprintf("writable_paths[%d]", j)), w, awsrules.WritablePathRule)
			} else if k := slices.Index(a.WritablePaths, w); k < j {
				errs.add(at(fmt.Sprintf("writable_paths[%d]", j)), w, "is already writable_paths[%d]", k)
			}
		}
		if !healthPathChr.MatchString(a.HealthCheckPath) {
			errs.add(at("health_check_path"), a.HealthCheckPath, "must be a URL path starting with '/' (e.g. /healthz)")
		}
		for _, k := range sortedKeys(a.Env) {
			if !envVarName.MatchString(k) {
				errs.add(at("env."+k), k, "is not an environment variable name: letters, digits and '_', not starting with a digit")
			} else if looksSecret(k) && a.Env[k] != "" {
				errs.add(at("env."+k), a.Env[k], "looks like a secret: a value here is stored in plain text in cdk.tf.json, the Terraform state and the task definition; list %s under apps[%d].secrets instead and export TF_VAR_%s", k, i, AppSecretVariable(a.Name, k))
			}
		}
		validateSecrets(errs, at, a)
		checkEnvSize(errs, at, a)
		validateSize(errs, at, a.Size)
		validateEgress(errs, at, a)
		if a.Database.Enabled && isDNSLabel(a.Name) {
			validateDatabaseApp(errs, p, a.Name, at("database"))
		}
		validateAppDatabase(errs, at("database"), a.Database, p.Cloud.Database)
	}
	checkHostPorts(errs, p)
	checkRoutes(errs, p)
	checkDomains(errs, p)
	if p.Name != "" && isDNSLabel(p.Name) {
		for _, n := range naming.ProjectNames(p.Name, p.Cloud.Environment) {
			if n.TooLong() {
				errs.add("project", p.Name, "%s: shorten the project name", n.Describe())
			}
			if why := n.Reserved(); why != "" {
				errs.add("project", p.Name, "%s: rename the project", why)
			}
		}
	}
}

// platformNames are the on-prem platform's own container suffixes: an
// app of the same name would collide with them.
var platformNames = []string{"registry", "registry-backup", "postgres", "postgres-backup", "platform"}

// reservedDatabases cannot be an app's database or role name: PostgreSQL
// reserves none, public and the current_*/session_user role names, RDS
// its rdsadmin, and the cluster has postgres, the templates and flyway.
var reservedDatabases = []string{"postgres", "template0", "template1", "public", "none", "current_user", "current_role", "session_user", "rdsadmin", "flyway"}

func validateDatabaseApp(errs *problems, p *Project, app, path string) {
	db := naming.AppDatabase(app).Value
	if slices.Contains(reservedDatabases, db) || strings.HasPrefix(db, "pg_") || strings.HasPrefix(db, "rds_") {
		errs.add(path, db, "is the app's database and role name, and it is reserved in PostgreSQL/RDS (%s, pg_*, rds_*): rename the app", strings.Join(reservedDatabases, ", "))
	}
	dir := p.MigrationsDir(app)
	if _, err := os.Stat(dir); err != nil {
		errs.add(path, dir, "is missing: an app with a database needs its Flyway folder; create it with V1__<description>.sql (an empty folder means no migrations), or set database: false")
		return
	}
	if _, err := p.AppMigrations(app); err != nil {
		for _, e := range splitJoined(err) {
			errs.add(path, nil, "has a bad migration: %s", e)
		}
	}
}

// splitJoined lists the errors inside an errors.Join.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// siteDomain is a lowercase DNS name with at least two labels.
var siteDomain = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func validateSite(errs *problems, p *Project, a *App, at func(string) string) {
	index := filepath.Join(p.Dir, a.Source, "index.html")
	if st, err := os.Stat(filepath.Join(p.Dir, a.Source)); err != nil || !st.IsDir() {
		errs.add(at("source"), a.Source, "is not a directory: a site's source is its static build output (run the front end's build first)")
	} else if _, err := os.Stat(index); err != nil {
		errs.add(at("source"), a.Source, "has no index.html: a site's source is its static build output")
	}
	s := a.Site
	if s.API != "" {
		i := slices.IndexFunc(p.Apps, func(o App) bool { return o.Name == s.API })
		if i < 0 || p.Apps[i].Kind == KindSite {
			errs.add(at("site.api"), s.API, "is not the name of an api or model app in this project")
		}
	}
	validateCustomDomain(errs, func(key string) string { return at("site." + key) }, s.Domain, s.CertificateARN, s.CertificateDomain)
	minTTL, defTTL, maxTTL := *s.MinTTL, *s.DefaultTTL, *s.MaxTTL
	for _, f := range []struct {
		key string
		v   int
	}{{"min_ttl", minTTL}, {"default_ttl", defTTL}, {"max_ttl", maxTTL}} {
		if f.v < 0 {
			errs.add(at("site."+f.key), f.v, "must not be negative (seconds)")
		}
	}
	if minTTL > defTTL || defTTL > maxTTL {
		errs.add(at("site"), fmt.Sprintf("%d/%d/%d", minTTL, defTTL, maxTTL), "cache TTLs (min/default/max) must satisfy min_ttl <= default_ttl <= max_ttl")
	}
}

// validateCustomDomain checks a distribution's custom domain and how its
// certificate is named (at gives a key's path): CloudFront refuses an
// alias its certificate does not cover, so that is refused here, before
// anything is applied, wherever the certificate's name is known.
func validateCustomDomain(errs *problems, at func(string) string, domain, arn, certDomain string) {
	if domain != "" && (len(domain) > 253 || !siteDomain.MatchString(domain)) {
		errs.add(at("domain"), domain, "is not a lowercase domain name (e.g. notes.example.com)")
	}
	if domain == "" && arn != "" {
		errs.add(at("certificate_arn"), arn, "needs %s: a certificate is only used for a custom domain", at("domain"))
	}
	if domain == "" && certDomain != "" {
		errs.add(at("certificate_domain"), certDomain, "needs %s: a certificate is only used for a custom domain", at("domain"))
	}
	if arn != "" {
		if m := acmARN.FindStringSubmatch(arn); m == nil {
			errs.add(at("certificate_arn"), arn, "is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)")
		} else if m[1] != "us-east-1" {
			errs.add(at("certificate_arn"), arn, "is in %s: CloudFront only uses certificates from us-east-1", m[1])
		}
		if certDomain != "" {
			errs.add(at("certificate_domain"), certDomain, "names a certificate to look up, and %s names one already: keep one", at("certificate_arn"))
		}
	}
	if certDomain == "" || domain == "" {
		return
	}
	if name := strings.TrimPrefix(certDomain, "*."); !siteDomain.MatchString(name) {
		errs.add(at("certificate_domain"), certDomain, `is not a certificate's domain name (e.g. notes.example.com or *.example.com)`)
	} else if !naming.CertificateCovers(certDomain, domain) {
		errs.add(at("certificate_domain"), certDomain, "does not cover %s %q: a certificate name covers itself, or one label below a \"*.\" wildcard (not two)", at("domain"), domain)
	}
}

// checkDomains reports an api/model app's domain where the app has no
// distribution of its own, and a domain two distributions claim
// (CloudFront refuses an alias that another distribution holds).
func checkDomains(errs *problems, p *Project) {
	served := map[string]bool{}
	for _, a := range p.Apps {
		if a.Kind == KindSite && a.Site.API != "" {
			served[a.Site.API] = true
		}
	}
	owner := map[string]string{}
	for i, a := range p.Apps {
		at := func(key string) string { return fmt.Sprintf("apps[%d].%s", i, key) }
		domain, key := a.Domain, at("domain")
		if a.Kind == KindSite {
			domain, key = a.Site.Domain, at("site.domain")
			if a.Domain != "" || a.CertificateARN != "" || a.CertificateDomain != "" {
				errs.add(at("domain"), a.Domain, "is for api and model apps: a site's domain is site.domain")
			}
		} else {
			validateCustomDomain(errs, at, a.Domain, a.CertificateARN, a.CertificateDomain)
			if a.Domain != "" && served[a.Name] {
				errs.add(key, a.Domain, "is not used: a site serves %s under its /api/, so it has no distribution of its own (set the site's domain)", a.Name)
			}
		}
		if domain == "" {
			continue
		}
		if other, ok := owner[domain]; ok {
			errs.add(key, domain, "is already %s: a domain belongs to one distribution", other)
			continue
		}
		owner[domain] = key
	}
}

// publishedPort is a platform port of the home server and its key.
type publishedPort struct {
	path string
	port int
}

// checkHostPorts reports every app whose published port is already taken
// by the registry, PostgreSQL or an earlier app.
func checkHostPorts(errs *problems, p *Project) {
	taken := map[int]string{p.OnPrem.Registry.Port: "onprem.registry.port", p.OnPrem.Postgres.Port: "onprem.postgres.port"}
	platform := []publishedPort{{"onprem.previews.port", p.OnPrem.Previews.Port}}
	if m := p.OnPrem.Monitoring; !m.Disabled {
		platform = append(platform, publishedPort{"onprem.monitoring.prometheus_port", m.PrometheusPort},
			publishedPort{"onprem.monitoring.alertmanager_port", m.AlertmanagerPort})
	}
	for _, pp := range platform {
		if owner, ok := taken[pp.port]; ok {
			errs.add(pp.path, pp.port, "conflicts with %s: each published port must be unique on the host", owner)
		} else {
			taken[pp.port] = pp.path
		}
	}
	for i, a := range p.Apps {
		path := fmt.Sprintf("apps[%d].host_port", i)
		if owner, ok := taken[a.HostPort]; ok {
			errs.add(path, a.HostPort, "conflicts with %s: each published port must be unique on the host (set host_port)", owner)
			continue
		}
		taken[a.HostPort] = path
	}
}

var (
	routeHost = regexp.MustCompile(`^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
	routePath = regexp.MustCompile(`^/[A-Za-z0-9._~/*?+-]*$`)
)

// checkRoutes validates each api/model app's load balancer route and
// reports two apps whose routes are the same, which no priority resolves.
func checkRoutes(errs *problems, p *Project) {
	seen := map[Route]int{}
	services := 0
	for i, a := range p.Apps {
		if a.Kind == KindSite {
			continue
		}
		services++
		path := fmt.Sprintf("apps[%d].route", i)
		r := a.Route
		if r.Host != "" && !routeHost.MatchString(r.Host) {
			errs.add(path+".host", r.Host, "is not a lowercase host name (e.g. api.example.com or *.example.com)")
		}
		if r.Path != "" && (!routePath.MatchString(r.Path) || len(r.Path) > 128) {
			errs.add(path+".path", r.Path, "is not a path pattern starting with '/' (e.g. /api/*), at most 128 chars")
		}
		if j, dup := seen[r]; dup {
			errs.add(path, r.Host+r.Path, "is the same route as apps[%d]: give each app its own host or path", j)
			continue
		}
		seen[r] = i
	}
	if services > 1 {
		for i, a := range p.Apps {
			if a.Kind != KindSite && a.Route == (Route{}) {
				errs.add(fmt.Sprintf("apps[%d].route", i), nil, "is empty, but several apps share the load balancer: give a host or path")
			}
		}
	}
}

func validateSize(errs *problems, at func(string) string, s Size) {
	if !slices.Contains(awsrules.FargateCPUs, s.CPU) {
		errs.add(at("size.cpu"), s.CPU, "is not a Fargate CPU value: use one of %s", joinInts(awsrules.FargateCPUs))
	} else if ok, from, to := awsrules.FargateMemory(s.CPU, s.Memory); !ok {
		errs.add(at("size.memory"), s.Memory, "is not a Fargate memory size for %d CPU units: use %d to %d MiB (see the Fargate task size table)", s.CPU, from, to)
	}
	if s.MinCount < 0 || s.MaxCount < 0 || s.DesiredCount < 0 {
		errs.add(at("size"), fmt.Sprintf("%d/%d/%d", s.MinCount, s.DesiredCount, s.MaxCount), "counts (min/desired/max) must not be negative")
	} else if s.MaxCount > MaxTasksPerService {
		errs.add(at("size.max_count"), s.MaxCount, "is more tasks than one ECS service can run (%d)", MaxTasksPerService)
	} else if s.MinCount > s.DesiredCount || s.DesiredCount > s.MaxCount {
		errs.add(at("size"), fmt.Sprintf("%d/%d/%d", s.MinCount, s.DesiredCount, s.MaxCount), "counts (min/desired/max) must satisfy min_count <= desired_count <= max_count")
	}
}

// secretName marks an environment variable whose value is a secret: its
// name ends like one (DB_PASSWORD, GITHUB_TOKEN, STRIPE_API_KEY) or has
// SECRET or PASSWORD anywhere (SECRET_KEY_BASE); TOKEN_URL is plain.
var secretName = regexp.MustCompile(`((^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIALS?|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY)$)|SECRET|PASSWORD`)

func looksSecret(name string) bool { return secretName.MatchString(strings.ToUpper(name)) }

// maxEnvBytes bounds an app's environment as its ECS container definition
// holds it: AWS refuses a task definition larger than 64 KiB, and the
// rest of the definition needs a few KiB.
const maxEnvBytes = 60 << 10

// checkEnvSize refuses an environment that would make the app's task
// definition too large for ECS (the emulator would accept it).
func checkEnvSize(errs *problems, at func(string) string, a *App) {
	size := 0
	for k, v := range a.Env {
		size += len(`{"name":"","value":""},`) + len(k) + len(v)
	}
	if size > maxEnvBytes {
		errs.add(at("env"), fmt.Sprintf("%d variables, %d bytes", len(a.Env), size),
			"is larger than an ECS task definition holds (64 KiB in all, so at most %d bytes of environment): keep large values in a file of the image or in apps[].secrets", maxEnvBytes)
	}
}

// platformEnv are variables the platform sets in every app container.
var platformEnv = []string{"PORT", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE", "PGPASSFILE"}

func validateSecrets(errs *problems, at func(string) string, a *App) {
	seen := map[string]bool{}
	for j, s := range a.Secrets {
		path := at(fmt.Sprintf("secrets[%d]", j))
		switch {
		case !envVarName.MatchString(s):
			errs.add(path, s, "is not an environment variable name: letters, digits and '_', not starting with a digit")
		case seen[s]:
			errs.add(path, s, "is listed twice")
		case slices.Contains(platformEnv, s):
			errs.add(path, s, "is set by the platform (%s)", strings.Join(platformEnv, ", "))
		default:
			if _, dup := a.Env[s]; dup {
				errs.add(path, s, "is also in env: a variable is either plain (env) or secret (secrets)")
			}
		}
		seen[s] = true
	}
	if len(a.Secrets) > 0 && a.Kind == KindSite {
		errs.add(at("secrets"), strings.Join(a.Secrets, ","), "is only for api and model apps: a site is static files")
	}
}

// WAF's rate-based rule accepts these limits (requests per 5 minutes).
const minWAFRateLimit, maxWAFRateLimit = 10, 2_000_000_000

func validateSecurity(errs *problems, c *Cloud) {
	s := c.Security
	if r := s.WAF.RateLimit; r < minWAFRateLimit || r > maxWAFRateLimit {
		errs.add("cloud.security.waf.rate_limit", r, "is outside what a WAF rate-based rule accepts: %d to %d requests per 5 minutes", minWAFRateLimit, maxWAFRateLimit)
	}
	if d := s.AccessLogs.RetentionDays; d < 1 {
		errs.add("cloud.security.access_logs.retention_days", d, "must be at least 1 day")
	}
}

// egressProtocols are the protocols an app's egress rule may name.
var egressProtocols = []string{"tcp", "udp"}

func validateEgress(errs *problems, at func(string) string, a *App) {
	for j, e := range a.Egress {
		path := fmt.Sprintf("egress[%d]", j)
		if p, err := parseNetwork(e.To); err != nil {
			errs.add(at(path+".to"), e.To, "%s", err)
		} else if p.Bits() == 0 && e.Port == 443 && e.Protocol == "tcp" {
			errs.add(at(path), e.To, "is already allowed: every app may reach HTTPS anywhere")
		}
		checkPort(errs, at(path+".port"), e.Port)
		if !slices.Contains(egressProtocols, e.Protocol) {
			errs.add(at(path+".protocol"), e.Protocol, "is not tcp or udp")
		}
	}
	if len(a.Egress) > 0 && a.Kind == KindSite {
		errs.add(at("egress"), len(a.Egress), "is only for api and model apps: a site runs no tasks")
	}
}

func checkPort(errs *problems, path string, port int) {
	if port < 1 || port > 65535 {
		errs.add(path, port, rulePort)
	}
}

// parseNetwork parses a CIDR that must be a network address.
func parseNetwork(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return p, fmt.Errorf("is not an IPv4 CIDR block (e.g. 10.0.0.0/16)")
	}
	if p.Masked() != p {
		return p, fmt.Errorf("has host bits set: the network address is %s", p.Masked())
	}
	return p, nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// certificatesRule says why file is not a PEM bundle of certificates (""
// when it is one).
func certificatesRule(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Sprintf("cannot be read: %v", errors.Unwrap(err))
	}
	n := 0
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			return fmt.Sprintf("holds a %s block: give certificates only (PEM)", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Sprintf("holds a certificate that does not parse: %v", err)
		}
		n++
	}
	if n == 0 {
		return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
	}
	return ""
}

// offsiteRegion is any S3-compatible provider's region name (AWS's
// eu-central-1, R2's auto, B2's us-west-004).
var offsiteRegion = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,30}$`)

// offsiteRepository is restic's S3 form with the scheme spelled out.
var offsiteRepository = regexp.MustCompile(`^s3:https?://[A-Za-z0-9.-]+(:[0-9]+)?/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?$`)

func validateOffsite(errs *problems, o *OnPrem) {
	off := o.Offsite
	for _, k := range []struct {
		field string
		n     int
	}{{"keep_daily", off.KeepDaily}, {"keep_weekly", off.KeepWeekly}, {"keep_monthly", off.KeepMonthly}} {
		if k.n < 1 {
			errs.add("onprem.offsite."+k.field, k.n, "must keep at least 1 snapshot")
		}
	}
	if !off.Enabled() {
		return
	}
	switch {
	case strings.HasPrefix(off.Repository, "s3:") && !strings.Contains(off.Repository, "://"):
		errs.add("onprem.offsite.repository", off.Repository, "has no scheme: write s3:https://<endpoint>/<bucket>[/<path>] (restic would guess https, and a local endpoint speaks http)")
	case !offsiteRepository.MatchString(off.Repository):
		errs.add("onprem.offsite.repository", off.Repository, "is not a restic S3 repository: write s3:https://<endpoint>/<bucket>[/<path>], e.g. s3:https://s3.eu-central-1.amazonaws.com/shop-backups/staging")
	}
	if off.Region != "" && !offsiteRegion.MatchString(off.Region) {
		errs.add("onprem.offsite.region", off.Region, "is not a region name: lowercase letters, digits and '-' (e.g. eu-central-1, auto)")
	}
	// The deploy state is copied from the state directory, which the
	// backup container reads through a bind mount: the engine must run on
	// the machine that deploys.
	if !strings.HasPrefix(o.DockerHost, "unix://") {
		errs.add("onprem.docker_host", o.DockerHost, "%s", offsiteLocalEngineRule)
	}
}

// offsiteLocalEngineRule: the backup container reads the state directory
// through a bind mount, which names a directory of the engine's machine.
const offsiteLocalEngineRule = "is not a local engine (unix://...), but onprem.offsite copies the deploy state from onprem.state_dir through a bind mount: deploy on the home server itself (its CI runner does)"

// validateBackup checks cloud.backup: the schedules' shape, the copy's
// destination (one, not this region), and no settings while it is off.
func validateBackup(errs *problems, c *Cloud) {
	b := c.Backup
	if !b.Enabled {
		if b != (Backup{}) {
			errs.add("cloud.backup.enabled", "false", "is off while other cloud.backup settings are set: set enabled: true, or remove them")
		}
		return
	}
	for _, s := range []struct{ field, value string }{{"schedule", b.Schedule}, {"restore_test_schedule", b.RestoreTestSchedule}} {
		if s.value != "" && !awsrules.IsBackupSchedule(s.value) {
			errs.add("cloud.backup."+s.field, s.value, "%s", awsrules.BackupScheduleRule)
		}
	}
	if awsrules.ClashesWithRDSBackupWindow(b.Schedule) {
		errs.add("cloud.backup.schedule", b.Schedule, "starts within an hour of the databases' backup window (%s UTC), when AWS Backup starts no job: choose another hour", awsrules.RDSBackupWindow)
	}
	if b.RestoreTestSchedule != "" && !b.RestoreTesting {
		errs.add("cloud.backup.restore_test_schedule", b.RestoreTestSchedule, "is set without restore_testing: true")
	}
	for _, d := range []struct {
		field string
		days  int
	}{{"retention_days", b.RetentionDays}, {"copy_retention_days", b.CopyRetentionDays}} {
		if d.days < 0 {
			errs.add("cloud.backup."+d.field, d.days, "must be at least 1 day (or left out for the default)")
		}
	}
	switch {
	case b.CopyRegion != "" && b.CopyVaultARN != "":
		errs.add("cloud.backup.copy_vault_arn", b.CopyVaultARN, "is set with copy_region: copy to one place")
	case b.CopyRegion != "" && !slices.Contains(AWSRegions, b.CopyRegion):
		errs.add("cloud.backup.copy_region", b.CopyRegion, "is not a region AWS has (known: %s)", strings.Join(AWSRegions, ", "))
	case b.CopyRegion != "" && b.CopyRegion == c.Region:
		errs.add("cloud.backup.copy_region", b.CopyRegion, "is cloud.region itself: a copy must survive the region's loss")
	case b.CopyVaultARN != "" && !awsrules.IsBackupVaultARN(b.CopyVaultARN):
		errs.add("cloud.backup.copy_vault_arn", b.CopyVaultARN, "%s", awsrules.BackupVaultARNRule)
	case b.CopyVaultARN != "" && !c.Security.KMS:
		errs.add("cloud.backup.copy_vault_arn", b.CopyVaultARN, "needs cloud.security.kms: true: a snapshot under RDS's default key cannot be shared with another account; the project's key is shared with the vault's account")
	case b.CopyRetentionDays != 0 && b.CopyRegion == "" && b.CopyVaultARN == "":
		errs.add("cloud.backup.copy_retention_days", b.CopyRetentionDays, "is set without a copy: set copy_region or copy_vault_arn")
	}
}
