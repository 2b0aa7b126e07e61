package stacks

import (
	"errors"
	"path/filepath"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/release"
)

// Stack names, as used by `cdktf deploy <name>`.
const (
	OnPremName = "onprem"
	CloudName  = "cloud"
)

// ManagedBy is the managed-by tag value on every resource.
const ManagedBy = "cdktf-fullstack"

// Options are settings of one synthesis that are not part of the project.
type Options struct {
	// StateDir is where stacks without a remote backend keep their local
	// state file (terraform.<stack>.tfstate). Default: the working
	// directory, as cdktf does, so state survives re-synthesis.
	StateDir string
	// BuildDir is where generated image build contexts (sites) are
	// written. Default: .fullstack/build in the project directory.
	BuildDir string
	// DeleteOnPremData lifts prevent_destroy from the on-prem data volumes
	// (registry storage and backups, PostgreSQL data), for a deliberate
	// teardown with data (cmd/fullstack/teardown -delete-data). Default false.
	DeleteOnPremData bool
	// Release is the release the cloud stack deploys: every service and
	// Flyway task runs the image digest staging proved (release.Manifest),
	// and the release must match the checkout's migrations and site files.
	// Default nil: images by the image_tag variable (escape hatch).
	Release *release.Manifest
	// Rollback deploys Release on this checkout's infrastructure: its
	// migrations need only be a prefix of the checkout's, and sites stay
	// at the checkout's files (release.CheckRollback). Default false.
	Rollback bool
	// Preview, when not 0, builds pull request Preview's preview stack
	// (PreviewStackName) and no other. Default 0.
	Preview int
}

// buildDir resolves Options.BuildDir.
func (o Options) buildDir(p *config.Project) string {
	dir := o.BuildDir
	if dir == "" {
		dir = filepath.Join(p.Dir, ".fullstack", "build")
	}
	if o.Preview != 0 {
		// A preview's site contexts differ from staging's (their /api/).
		dir = filepath.Join(dir, naming.PreviewEnvironment(o.Preview))
	}
	return dir
}

// Stacks are the stacks of one project.
type Stacks struct {
	OnPrem    *OnPrem
	Bootstrap *Bootstrap
	Cloud     *Cloud
	// Preview is set, and nothing else, with Options.Preview.
	Preview *Preview
}

// Build adds every stack of the project to scope (normally a cdktf.App).
// The project must already be normalized (config.Load or Normalize); Build
// checks again so library users get the same errors, before creating
// anything.
func Build(scope constructs.Construct, p *config.Project, opts Options) (*Stacks, error) {
	if p == nil {
		return nil, errors.New("stacks: project is nil")
	}
	if err := p.Normalize(); err != nil {
		return nil, err
	}
	if opts.Preview != 0 {
		preview, err := NewPreview(scope, p, opts)
		if err != nil {
			return nil, err
		}
		return &Stacks{Preview: preview}, nil
	}
	onprem, err := NewOnPrem(scope, OnPremName, p, opts)
	if err != nil {
		return nil, err
	}
	bootstrap, err := NewBootstrap(scope, BootstrapName, p, opts)
	if err != nil {
		return nil, err
	}
	cloud, err := NewCloud(scope, CloudName, p, opts)
	if err != nil {
		return nil, err
	}
	return &Stacks{OnPrem: onprem, Bootstrap: bootstrap, Cloud: cloud}, nil
}

// output adds a documented stack output.
func output(stack cdktf.TerraformStack, id string, value any, description string) cdktf.TerraformOutput {
	return cdktf.NewTerraformOutput(stack, str(id), &cdktf.TerraformOutputConfig{
		Value:       value,
		Description: str(description),
		StaticId:    boolPtr(true),
	})
}

func str(s string) *string { return &s }
func boolPtr(b bool) *bool { return &b }
