package dockercontainer

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/volume"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/homerules"
)

// DefaultWritablePaths are where a container with a read-only root may
// write, as on ECS.
var DefaultWritablePaths = awsrules.DefaultWritablePaths

// TmpfsOptions mount each writable path: private to the container, gone
// when it stops, no device files or setuid binaries, and bounded (the
// memory it holds counts against the container's limit). exec, as an ECS
// task volume allows: Docker's default noexec would break an image that
// unpacks a native library into /tmp (a JVM's, say) at home only. Docker
// gives the tmpfs the mode of the image's directory at that path (/tmp:
// 1777).
const TmpfsOptions = "rw,exec,nosuid,nodev,size=64m"

// Files names the container that holds a read-only container's uploads
// (see ReadOnlyRoot).
type Files struct {
	// Scope and ID place the files container, its volumes and its
	// revision.
	Scope constructs.Construct
	ID    string
	// Prefix names it <Prefix>-files-<8 characters> (its volumes
	// <name>-<n>), renewed whenever the uploads or the image change.
	Prefix string
	// Labels go on it and its volumes (the project's, never an app's: the
	// rollout's sweep removes containers carrying the app's label).
	Labels map[string]string
}

// FilesLabel marks a files container ("true"), which is never started:
// exclude it from a prune (docker container prune --filter
// label!=fullstack.files) or a deploy must create it again.
const FilesLabel = "fullstack.files"

// ReadOnlyRoot makes cfg's root file system read-only, with a tmpfs at
// each of writable.
//
// The docker provider uploads every file by extracting it at / of the
// created container, which Docker refuses on a read-only root. So cfg's
// uploads go to a files container instead: created from the same image
// and never started, with a named volume at each directory the uploads
// land in (seeded from the image, then written by the upload). cfg mounts
// those volumes read-only, after the files container exists. The names
// renew with the uploads and the image, so a change replaces cfg's
// container too, and the old volumes go with the old files container.
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
	_, name := AddRevision(files.Scope, files.ID+"-revision", files.Prefix+"-files",
		map[string]interface{}{"Image": cfg.Image, "Upload": cfg.Upload, "Dirs": dirs})
	labels := map[string]string{FilesLabel: "true"}
	for k, v := range files.Labels {
		labels[k] = v
	}
	var held, mounts []*container.ContainerVolumes
	for i, d := range dirs {
		v := volume.NewVolume(files.Scope, jsii.String(fmt.Sprintf("%s-volume-%d", files.ID, i)), &volume.VolumeConfig{
			Name: jsii.String(fmt.Sprintf("%s-%d", *name, i)), Labels: dockerlabels.Volume(labels),
		})
		held = append(held, &container.ContainerVolumes{VolumeName: v.Name(), ContainerPath: jsii.String(d)})
		mounts = append(mounts, &container.ContainerVolumes{VolumeName: v.Name(), ContainerPath: jsii.String(d), ReadOnly: jsii.Bool(true)})
	}
	holder := container.NewContainer(files.Scope, jsii.String(files.ID), &container.ContainerConfig{
		Name: name, Image: cfg.Image, Upload: cfg.Upload, Volumes: &held,
		// Created to hold the files, never run.
		Start: jsii.Bool(false), MustRun: jsii.Bool(false),
		NetworkMode: jsii.String("none"),
		Labels:      dockerlabels.Container(labels),
	})
	cfg.Upload = nil
	volumes := append(volumesOf(cfg), mounts...)
	cfg.Volumes = &volumes
	deps := []cdktf.ITerraformDependable{holder}
	if cfg.DependsOn != nil {
		deps = append(*cfg.DependsOn, holder)
	}
	cfg.DependsOn = &deps
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
const MinMemoryMiB = homerules.MinMemoryMiB

// CheckMemory checks a MemoryMiB prop: 0 for def, or at least
// MinMemoryMiB.
func CheckMemory(check *propcheck.Errors, mib, def int) {
	if mib != 0 && mib < MinMemoryMiB {
		check.Add("MemoryMiB", mib, "must be at least %d (Docker's minimum), or 0 for %d", MinMemoryMiB, def)
	}
}
