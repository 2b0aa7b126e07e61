// Package verifyproduction fails unless production runs the release: each
// ECS service reached a completed rollout of a task definition whose image
// is the release's digest (not rolled back by the circuit breaker); then
// it smoke-tests the service and site URLs.
//
//	go run ./cmd/fullstack verify-production -outputs cloud-outputs.json -release release.json
//
// Credentials and region as for the AWS CLI (in GitHub Actions: the
// deploy role); FULLSTACK_AWS_ENDPOINT for the emulator.
package verifyproduction

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/homecloud-dev/fullstack/awsclient"
	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/release"
	"github.com/homecloud-dev/fullstack/stacks"
)

const usage = `usage: fullstack verify-production -outputs FILE -release FILE [flags]

Fails unless production runs the release: each ECS service's primary
deployment completed its rollout with a task definition that runs the
release's digest; then every service URL answers below 500 and every site
URL serves HTML.`

// outputs is what the check reads of the cloud stack's cdktf outputs.
type outputs struct {
	ClusterName string            `json:"cluster_name"`
	ServiceURLs map[string]string `json:"service_urls"`
	SiteURLs    map[string]string `json:"site_urls"`
}

// Run runs the subcommand.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("verify-production", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	outputsFile := fs.String("outputs", "", "the cdktf outputs file of the cloud stack (cdktf deploy --outputs-file); required")
	manifest := fs.String("release", "", "the release manifest production deployed; required")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *outputsFile == "" || *manifest == "" {
		return cli.UsageError(fs, stderr, errors.New("-outputs and -release are required"))
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	outs, err := readOutputs(*outputsFile)
	if err != nil {
		return err
	}
	m, err := release.Load(*manifest)
	if err != nil {
		return err
	}
	cfg, _, err := awsclient.Config(ctx, p)
	if err != nil {
		return err
	}
	endpoint := awsclient.BaseEndpoint(p)
	client := ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = endpoint })
	for _, svc := range slices.Sorted(maps.Keys(outs.ServiceURLs)) {
		if err := checkService(ctx, stdout, client, outs.ClusterName, svc, wantDigest(m, svc)); err != nil {
			return err
		}
	}
	web := newProber()
	for _, svc := range slices.Sorted(maps.Keys(outs.ServiceURLs)) {
		if err := web.checkService(ctx, stdout, outs.ServiceURLs[svc]); err != nil {
			return err
		}
	}
	for _, site := range slices.Sorted(maps.Keys(outs.SiteURLs)) {
		if err := web.checkSite(ctx, stdout, outs.SiteURLs[site]); err != nil {
			return err
		}
	}
	return nil
}

// readOutputs reads the cloud stack's outputs from a cdktf outputs file.
func readOutputs(path string) (outputs, error) {
	var all map[string]outputs
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, &all)
	}
	if err != nil {
		return outputs{}, fmt.Errorf("outputs file %s: %w", path, err)
	}
	outs, ok := all[stacks.CloudName]
	if !ok {
		return outputs{}, fmt.Errorf("outputs file %s: no %s stack", path, stacks.CloudName)
	}
	return outs, nil
}

// wantDigest is the digest the release gives app's image ("" when none).
func wantDigest(m *release.Manifest, app string) string {
	if a, ok := m.Apps[app]; ok && a.Image != nil {
		return a.Image.Digest
	}
	return ""
}
