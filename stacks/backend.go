package stacks

import (
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
)

// localBackend keeps state in <dir>/terraform.<stack>.tfstate (dir ""
// is the working directory).
func localBackend(stack cdktf.TerraformStack, name string, dir string) {
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
		Path: jsii.String(filepath.Join(dir, "terraform."+name+".tfstate")),
	})
}

// cloudBackend uses the project's S3 state bucket when one is configured,
// and a local state file otherwise.
func cloudBackend(stack cdktf.TerraformStack, name string, c config.Cloud, key string, opts Options) {
	sb := c.StateBackend
	if sb.Bucket == "" {
		localBackend(stack, name, opts.StateDir)
		return
	}
	cfg := &cdktf.S3BackendConfig{
		Bucket:  jsii.String(sb.Bucket),
		Key:     jsii.String(key),
		Region:  jsii.String(c.Region),
		Encrypt: jsii.Bool(true),
	}
	if sb.LockTable != "" {
		cfg.DynamodbTable = jsii.String(sb.LockTable)
	}
	if e := emulator(c); e != nil {
		e.ConfigureS3Backend(cfg)
	}
	cdktf.NewS3Backend(stack, cfg)
}

// onPremStateDir is where the onprem stack keeps its state
// (config.OnPrem.StateDirectory).
func onPremStateDir(o config.OnPrem, opts Options) (string, error) {
	return o.StateDirectory(opts.StateDir)
}
