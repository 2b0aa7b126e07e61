package dockercontainer

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// DefaultWritablePaths are where a container with a read-only root may
// write, as on ECS.
var DefaultWritablePaths = awsrules.DefaultWritablePaths

// TmpfsOptions mount each writable path: private to the container, gone
// when it stops, no device files or setuid binaries, and bounded (the
// memory it holds counts against the container's limit). Docker gives the
// tmpfs the mode of the image's directory at that path (/tmp: 1777).
const TmpfsOptions = "rw,nosuid,nodev,size=64m"

// Files names the container that holds a read-only container's uploads
// (see ReadOnlyRoot).
type Files struct {
	// Scope and ID place the files container and its revision.
	Scope constructs.Construct
	ID    string
	// Prefix names it <Prefix>-files-<8 characters>, renewed whenever the
	// uploads or the image change.
	Prefix string
	// Labels go on it (the project's, never an app's: the rollout's sweep
	// removes containers carrying the app's label).
	Labels map[string]string
}

// ReadOnlyRoot makes cfg's root file system read-only, with a tmpfs at
// each of writable.
//
// The docker provider uploads every file by extracting it at / of the
// created container, which Docker refuses on a read-only root. So cfg's
// uploads go to a files container instead: created from the same image
// and never started, with an anonymous volume at each directory the
// uploads land in (seeded from the image). cfg mounts those volumes
// read-only (volumes_from). The files container's name renews with the
// uploads, so a change replaces cfg's container too, and its volumes go
// with it.
func ReadOnlyRoot(cfg *container.ContainerConfig, writable []string, files Files) {
	cfg.ReadOnly = jsii.Bool(true)
	tmpfs := map[string]*string{}
	for _, p := range writable {
		tmpfs[p] = jsii.String(TmpfsOptions)
	}
	if len(tmpfs) > 0 {
		cfg.Tmpfs = &tmpfs
	}
	uploads := uploadsOf(cfg)
	if len(uploads) == 0 {
		return
	}
	var dirs []string
	for _, u := range uploads {
		if under(*u.File, dirs) == "" {
			dirs = append(dirs, path.Dir(*u.File))
		}
	}
	slices.Sort(dirs)
	var held []*container.ContainerVolumes
	for _, d := range dirs {
		held = append(held, &container.ContainerVolumes{ContainerPath: jsii.String(d)})
	}
	seed := &container.ContainerConfig{
		Image: cfg.Image, Upload: cfg.Upload, Volumes: &held,
		// Created to hold the files, never run.
		Start: jsii.Bool(false), MustRun: jsii.Bool(false),
		NetworkMode: jsii.String("none"),
		Labels:      dockerlabels.Container(files.Labels),
	}
	_, seed.Name = NewRevision(files.Scope, files.ID+"-revision", files.Prefix+"-files", Triggers(seed))
	holder := container.NewContainer(files.Scope, jsii.String(files.ID), seed)
	cfg.Upload = nil
	volumes := append(volumesOf(cfg), &container.ContainerVolumes{
		FromContainer: jsii.String(*holder.Name() + ":ro"),
	})
	cfg.Volumes = &volumes
}

// CheckWritablePaths checks the writable paths field of a container
// that uploads what cfg does: absolute, each once, and none holding an
// upload (its tmpfs is mounted over the upload when the container
// starts).
func CheckWritablePaths(check *propcheck.Errors, field string, writable []string, cfg *container.ContainerConfig) {
	for i, p := range writable {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !awsrules.IsWritablePath(p):
			check.Add(f, p, awsrules.WritablePathRule)
		case slices.Index(writable, p) < i:
			check.Add(f, p, "is already %s[%d]", field, slices.Index(writable, p))
		}
	}
	if cfg == nil {
		return
	}
	for _, u := range uploadsOf(cfg) {
		if p := under(*u.File, writable); p != "" {
			check.Add(field, p, "holds the upload %s: a tmpfs there hides it when the container starts; write elsewhere", *u.File)
		}
	}
}

// uploadsOf and volumesOf are cfg's uploads and volumes as the
// constructs set them (a slice, never a token).
func uploadsOf(cfg *container.ContainerConfig) []*container.ContainerUpload {
	if u, ok := cfg.Upload.(*[]*container.ContainerUpload); ok && u != nil {
		return *u
	}
	return nil
}

func volumesOf(cfg *container.ContainerConfig) []*container.ContainerVolumes {
	if v, ok := cfg.Volumes.(*[]*container.ContainerVolumes); ok && v != nil {
		return *v
	}
	return nil
}

// under is the first of dirs that holds file, or "".
func under(file string, dirs []string) string {
	for _, d := range dirs {
		if file == d || strings.HasPrefix(file, strings.TrimSuffix(d, "/")+"/") {
			return d
		}
	}
	return ""
}

// OnlyCapabilities drops every capability but names (none: the process
// keeps no privilege at all, even as root).
func OnlyCapabilities(names ...string) *container.ContainerCapabilities {
	c := &container.ContainerCapabilities{Drop: jsii.Strings("ALL")}
	if len(names) > 0 {
		c.Add = jsii.Strings(names...)
	}
	return c
}

// LimitMemory caps cfg at mib MiB without swap: the limit is the limit,
// as on Fargate (Docker's default swap, twice the memory, would also be
// read back as a change on every plan).
func LimitMemory(cfg *container.ContainerConfig, mib int) {
	cfg.Memory = jsii.Number(float64(mib))
	cfg.MemorySwap = cfg.Memory
}

// MinMemoryMiB is the smallest limit Docker accepts.
const MinMemoryMiB = 6

// CheckMemory checks a MemoryMiB prop: 0 for def, or at least
// MinMemoryMiB.
func CheckMemory(check *propcheck.Errors, mib, def int) {
	if mib != 0 && mib < MinMemoryMiB {
		check.Add("MemoryMiB", mib, "must be at least %d (Docker's minimum), or 0 for %d", MinMemoryMiB, def)
	}
}
