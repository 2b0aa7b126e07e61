package ecscluster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"

	"github.com/homecloud-dev/fullstack/awsrules"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
)

// NonRootUser is the user a task's container runs as unless told
// otherwise (awsrules.NonRootUser, the same at home).
const NonRootUser = awsrules.NonRootUser

// DefaultWritablePaths are the only paths a container may write by
// default (awsrules.DefaultWritablePaths, the same at home).
var DefaultWritablePaths = awsrules.DefaultWritablePaths

// Hardening is how a task's container is locked down: a read-only root
// filesystem with a task volume on each writable path, a non-root user,
// every capability dropped, and an init process that reaps zombies and
// forwards signals.
type Hardening struct {
	// User is "uid", "uid:gid" or a user name the image knows. Default
	// NonRootUser. "0" or "root" is refused.
	User string
	// WritablePaths are absolute paths backed by the task's ephemeral
	// storage. Default DefaultWritablePaths.
	WritablePaths []string
}

func (h *Hardening) defaults() {
	if h.User == "" {
		h.User = NonRootUser
	}
	if h.WritablePaths == nil {
		h.WritablePaths = slices.Clone(DefaultWritablePaths)
	}
}

// Check records what is wrong with h (after its defaults), under field.
func (h Hardening) Check(check *propcheck.Errors, field string) {
	h.defaults()
	if awsrules.IsRootUser(h.User) {
		check.Add(field+".User", h.User, "runs the container as root; give a non-root uid (default %s)", NonRootUser)
	}
	seen := map[string]bool{}
	for i, p := range h.WritablePaths {
		f := fmt.Sprintf("%s.WritablePaths[%d]", field, i)
		switch {
		case !awsrules.IsWritablePath(p):
			check.Add(f, p, awsrules.WritablePathRule)
		case seen[volumeName(p)]:
			check.Add(f, p, "is listed twice")
		}
		seen[volumeName(p)] = true
	}
}

// ExecAgentPaths are where the ECS Exec agent writes inside a container:
// with a read-only root they must be writable, or ECS Exec cannot start.
var ExecAgentPaths = []string{"/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"}

// WithWritable is h (after its defaults) with paths also writable.
func (h Hardening) WithWritable(paths ...string) Hardening {
	h.defaults()
	h.WritablePaths = slices.Clone(h.WritablePaths)
	for _, p := range paths {
		if !slices.Contains(h.WritablePaths, p) {
			h.WritablePaths = append(h.WritablePaths, p)
		}
	}
	return h
}

// Apply locks def down and returns the task volumes its mount points use.
func (h Hardening) Apply(def *ContainerDefinition) []*ecstaskdefinition.EcsTaskDefinitionVolume {
	h.defaults()
	readOnly := true
	def.ReadonlyRootFilesystem = &readOnly
	def.User = h.User
	def.LinuxParameters = &LinuxParameters{Capabilities: &Capabilities{Drop: []string{"ALL"}}, InitProcessEnabled: true}
	var volumes []*ecstaskdefinition.EcsTaskDefinitionVolume
	for _, p := range h.WritablePaths {
		name := volumeName(p)
		def.MountPoints = append(def.MountPoints, MountPoint{ContainerPath: p, SourceVolume: name})
		// A volume without a host path or EFS is the task's ephemeral
		// storage on Fargate: empty at start, gone with the task.
		volumes = append(volumes, &ecstaskdefinition.EcsTaskDefinitionVolume{Name: jsii.String(name)})
	}
	return volumes
}

var notVolumeChar = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// volumeName is the task volume of a writable path: "/var/cache" is
// "writable-var-cache".
func volumeName(p string) string {
	return "writable-" + strings.Trim(notVolumeChar.ReplaceAllString(p, "-"), "-")
}
