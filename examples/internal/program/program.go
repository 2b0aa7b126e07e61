// Package program is the main function the examples share: a cdktf app
// writing to CDKTF_OUTDIR (default cdktf.out), filled by build and
// synthesized, or the error printed and exit status 1.
package program

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Run builds and synthesizes the program called name.
func Run(name string, build func(app cdktf.App) error) {
	outdir := os.Getenv("CDKTF_OUTDIR")
	if outdir == "" {
		outdir = "cdktf.out"
	}
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	if err := build(app); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
	app.Synth()
}
