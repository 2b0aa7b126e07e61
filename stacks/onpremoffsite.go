package stacks

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/providers"
	"github.com/homecloud-dev/fullstack/homerules"
)

// The off-site snapshots' folders besides the backup volume's dumps.
const (
	// OffsiteRegistry is the registry's storage (every staging image).
	OffsiteRegistry = "registry"
	// OffsiteState is the on-prem state directory: the Terraform state,
	// the release manifests and signatures, the signing key (encrypted).
	OffsiteState = "state"
)

// backupImage prepares the backup sidecar's build context in the build
// directory.
func backupImage(p *config.Project, opts Options) (postgrescluster.ImageContext, error) {
	dir, err := filepath.Abs(filepath.Join(opts.buildDir(p), "postgres-backup"))
	if err != nil {
		return postgrescluster.ImageContext{}, err
	}
	img, err := postgrescluster.PrepareBackupImage(dir, p.OnPrem.Postgres.ImageTag)
	if err != nil {
		return postgrescluster.ImageContext{}, fmt.Errorf("onprem.postgres: backup image: %w", err)
	}
	return img, nil
}

// offsite is onprem.offsite for the backup sidecar (nil when off): the
// repository, its secrets as sensitive variables, and the registry's
// storage and the state directory as sources.
func offsite(stack cdktf.TerraformStack, p *config.Project, reg *registry.Registry, stateDir string) (*postgrescluster.Offsite, error) {
	o := p.OnPrem.Offsite
	if !o.Enabled() {
		return nil, nil
	}
	secret := func(name, description string, minLength int) (*string, error) {
		v, err := providers.SecretVariable(stack, name, description, minLength)
		if err != nil {
			return nil, err
		}
		return v.StringValue(), nil
	}
	off := &postgrescluster.Offsite{
		Repository: o.Repository, Region: o.Region,
		Host:      p.OffsiteHost(),
		KeepDaily: o.KeepDaily, KeepWeekly: o.KeepWeekly, KeepMonthly: o.KeepMonthly,
		Sources: []postgrescluster.OffsiteSource{
			{Name: OffsiteRegistry, Volume: reg.DataVolume.Name()},
			{Name: OffsiteState, HostDir: stateDir},
		},
	}
	var err error
	if off.Password, err = secret(config.OffsitePasswordVariable, "password of the off-site restic repository (onprem.offsite.repository); keep a copy away from the server", homerules.MinPasswordLength); err != nil {
		return nil, err
	}
	if off.AccessKeyID, err = secret(config.OffsiteAccessKeyIDVariable, "access key id for onprem.offsite.repository's bucket", 1); err != nil {
		return nil, err
	}
	if off.SecretAccessKey, err = secret(config.OffsiteSecretAccessKeyVariable, "secret access key for onprem.offsite.repository's bucket", 1); err != nil {
		return nil, err
	}
	return off, nil
}
