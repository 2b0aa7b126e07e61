package postgrescluster

import (
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// Every bad Offsite setting is named at once, with its value and rule.
func TestOffsiteValidation(t *testing.T) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())}) // not cdktf.out in the source tree
	stack := cdktf.NewTerraformStack(app, jsii.String("s"))
	check := propcheck.For(constructs.Construct(stack), "backup")
	vol := jsii.String("shop-registry-data")
	Offsite{
		Repository: "s3:bucket/path", Host: "Shop Staging",
		KeepDaily: 0, KeepWeekly: 1, KeepMonthly: 1,
		Sources: []OffsiteSource{
			{Name: "..", Volume: vol},
			{Name: "state", HostDir: "relative/dir"},
			{Name: "both", Volume: vol, HostDir: "/srv"},
		},
	}.validate(check)
	err := check.Err()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`Offsite.Repository "s3:bucket/path": is not s3:https://`,
		`Offsite.Host "Shop Staging": is not a plain name`,
		"Offsite.Password is required", "Offsite.AccessKeyID is required", "Offsite.SecretAccessKey is required",
		"Offsite.KeepDaily 0: must be at least 1",
		`Offsite.Sources[0].Name "..": is not a unique folder name`,
		`Offsite.Sources[1].HostDir "relative/dir": is not an absolute path`,
		`Offsite.Sources[2] "both": needs exactly one of Volume and HostDir`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}
