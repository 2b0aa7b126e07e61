package postgrescluster

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// addOffsite gives the sidecar the repository, its secrets (as files) and
// the sources, read-only.
func addOffsite(cfg *container.ContainerConfig, o Offsite) {
	paths := []string{}
	volumes := (cfg.Volumes).(*[]*container.ContainerVolumes)
	mounts := *volumes
	for _, s := range o.Sources {
		v := &container.ContainerVolumes{ContainerPath: jsii.String(OffsitePath(s.Name)), ReadOnly: jsii.Bool(true)}
		if s.Volume != nil {
			v.VolumeName = s.Volume
		} else {
			v.HostPath = jsii.String(s.HostDir)
		}
		mounts = append(mounts, v)
		paths = append(paths, OffsitePath(s.Name))
	}
	cfg.Volumes = &mounts
	env := append(*cfg.Env, *jsii.Strings(
		"RESTIC_REPOSITORY="+o.Repository, "RESTIC_HOST="+o.Host,
		"RESTIC_PASSWORD_FILE="+resticPasswordFile, "AWS_SHARED_CREDENTIALS_FILE="+resticCredentialsFile,
		// Kept across rounds and containers; restic's cache holds only
		// encrypted repository data, and the copy skips dot files.
		"RESTIC_CACHE_DIR="+SidecarBackupDir+"/.restic-cache",
		"KEEP_DAILY="+strconv.Itoa(o.KeepDaily), "KEEP_WEEKLY="+strconv.Itoa(o.KeepWeekly), "KEEP_MONTHLY="+strconv.Itoa(o.KeepMonthly),
		"OFFSITE_PATHS="+strings.Join(paths, " "),
	)...)
	if o.Region != "" {
		env = append(env, jsii.String("AWS_DEFAULT_REGION="+o.Region))
	}
	cfg.Env = &env
	uploads := append(*(cfg.Upload).(*[]*container.ContainerUpload),
		&container.ContainerUpload{File: jsii.String(resticPasswordFile), Content: o.Password},
		&container.ContainerUpload{File: jsii.String(resticCredentialsFile), Content: jsii.String(
			"[default]\naws_access_key_id = " + *o.AccessKeyID + "\naws_secret_access_key = " + *o.SecretAccessKey + "\n")},
	)
	cfg.Upload = &uploads
}

// sourceName is a source's folder: no path, no glob, no shell word break.
var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (o Offsite) validate(check *propcheck.Errors) {
	check.Required("Offsite.Repository", o.Repository)
	check.Required("Offsite.Host", o.Host)
	check.Missing("Offsite.Password", o.Password == nil)
	check.Missing("Offsite.AccessKeyID", o.AccessKeyID == nil)
	check.Missing("Offsite.SecretAccessKey", o.SecretAccessKey == nil)
	check.Min("Offsite.KeepDaily", o.KeepDaily, 1)
	check.Min("Offsite.KeepWeekly", o.KeepWeekly, 1)
	check.Min("Offsite.KeepMonthly", o.KeepMonthly, 1)
	if o.Host != "" && !sourceName.MatchString(o.Host) {
		check.Add("Offsite.Host", o.Host, "is not a plain name (lowercase letters, digits, '-' and '_')")
	}
	if !strings.HasPrefix(o.Repository, "s3:http://") && !strings.HasPrefix(o.Repository, "s3:https://") {
		check.Add("Offsite.Repository", o.Repository, "is not s3:https://<endpoint>/<bucket>[/<path>]")
	}
	seen := map[string]bool{}
	for i, s := range o.Sources {
		field := "Offsite.Sources[" + strconv.Itoa(i) + "]"
		switch {
		case !sourceName.MatchString(s.Name) || seen[s.Name]:
			check.Add(field+".Name", s.Name, "is not a unique folder name (lowercase letters, digits, '-' and '_')")
		case (s.Volume == nil) == (s.HostDir == ""):
			check.Add(field, s.Name, "needs exactly one of Volume and HostDir")
		case s.Volume == nil && !filepath.IsAbs(s.HostDir):
			check.Add(field+".HostDir", s.HostDir, "is not an absolute path")
		}
		seen[s.Name] = true
	}
}
