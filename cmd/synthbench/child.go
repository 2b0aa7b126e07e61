package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// runChild synthesizes one case in this process and prints a childReport.
func runChild(c string) error {
	dir, err := os.MkdirTemp("", "synthbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	switch {
	case c == "floor":
		// The same work as a real synthesis minus the constructs: start
		// jsii, load the AWS bindings, write one stack.
		app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(dir)})
		stack := cdktf.NewTerraformStack(app, jsii.String("floor"))
		if _, err := awsprovider.New(stack, "aws", awsprovider.Props{Region: "us-east-1"}); err != nil {
			return err
		}
		app.Synth()
	case strings.HasPrefix(c, "apps:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(c, "apps:"))
		p, err := generated(n, filepath.Join(dir, "project"))
		if err != nil {
			return err
		}
		if _, err := synth.Project(p, filepath.Join(dir, "out")); err != nil {
			return err
		}
	case strings.HasPrefix(c, "file:"):
		p, err := config.Load(strings.TrimPrefix(c, "file:"))
		if err != nil {
			return err
		}
		if _, err := synth.Project(p, dir); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown case %q", c)
	}
	elapsed := time.Since(start)
	jsii.Close() // waits for node, so its peak counts as a reaped child
	return json.NewEncoder(os.Stdout).Encode(childReport{
		GoMaxRSSKB:   rusage(syscall.RUSAGE_SELF),
		NodeMaxRSSKB: rusage(syscall.RUSAGE_CHILDREN),
		SynthMillis:  elapsed.Milliseconds(),
	})
}

// generated writes a project directory with n apps cycling through the
// three kinds (every other one with a database and a migration) and
// returns its definition.
func generated(n int, dir string) (*config.Project, error) {
	p := &config.Project{Name: "bench", Dir: dir}
	kinds := config.Kinds
	for i := 0; i < n; i++ {
		a := config.App{
			Name:     fmt.Sprintf("app-%02d", i),
			Kind:     kinds[i%len(kinds)],
			Database: config.AppDatabase{Enabled: i%2 == 0},
			HostPort: 8000 + i,
			Env:      map[string]string{"INDEX": strconv.Itoa(i)},
		}
		files := map[string]string{filepath.Join("apps", a.Name, "Dockerfile"): "FROM scratch\n"}
		if a.Kind == config.KindSite {
			files = map[string]string{filepath.Join("apps", a.Name, "index.html"): "<!doctype html>\n"}
		}
		if a.Database.Enabled {
			files[filepath.Join("migrations", a.Name, "V1__init.sql")] = "create table items (id bigint primary key);\n"
		}
		for rel, content := range files {
			path := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				return nil, err
			}
		}
		p.Apps = append(p.Apps, a)
	}
	return p, nil
}
