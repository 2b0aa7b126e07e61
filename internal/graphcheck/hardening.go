package graphcheck

import (
	"encoding/json"
	"fmt"
	"github.com/homecloud-dev/fullstack/awsrules"
	"slices"
)

// TaskHardening checks that every container of every
// aws_ecs_task_definition is locked down as the constructs promise: a
// read-only root filesystem, a user that is set and not root, every
// capability dropped, an init process, and mount points only on the
// task's own volumes. Nothing on AWS refuses a container without these,
// so only this check notices one that lost them. Every problem is
// reported.
func TaskHardening(stack []byte) error { return eachTaskDefinition(stack, checkHardening) }

func checkHardening(res map[string]map[string]map[string]any, id string) []error {
	td, where := res["aws_ecs_task_definition"][id], "aws_ecs_task_definition."+id
	var containers []struct {
		Name                   string
		ReadonlyRootFilesystem *bool
		User                   string
		LinuxParameters        *struct {
			Capabilities       *struct{ Drop []string }
			InitProcessEnabled bool
		}
		MountPoints []struct{ SourceVolume, ContainerPath string }
	}
	if err := json.Unmarshal([]byte(fmt.Sprint(td["container_definitions"])), &containers); err != nil {
		return []error{fmt.Errorf("%s: container_definitions: %w", where, err)}
	}
	volumes := map[string]bool{}
	for _, v := range asList(td["volume"]) {
		if m, ok := v.(map[string]any); ok {
			volumes[fmt.Sprint(m["name"])] = true
		}
	}
	var errs []error
	add := func(c, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: container %s %s", where, c, fmt.Sprintf(format, args...)))
	}
	for _, c := range containers {
		if c.ReadonlyRootFilesystem == nil || !*c.ReadonlyRootFilesystem {
			add(c.Name, "has a writable root filesystem: set readonlyRootFilesystem and list the paths it writes (ecscluster.Hardening.WritablePaths)")
		}
		if c.User == "" || awsrules.IsRootUser(c.User) {
			add(c.Name, "runs as %q, which is root or the image's own user: set a non-root user (ecscluster.Hardening.User)", c.User)
		}
		lp := c.LinuxParameters
		if lp == nil || lp.Capabilities == nil || !slices.Contains(lp.Capabilities.Drop, "ALL") {
			add(c.Name, "keeps Docker's default capabilities: drop ALL (linuxParameters.capabilities.drop)")
		}
		if lp == nil || !lp.InitProcessEnabled {
			add(c.Name, "has no init process (linuxParameters.initProcessEnabled): zombies are not reaped and signals may not reach the app")
		}
		for _, m := range c.MountPoints {
			if !volumes[m.SourceVolume] {
				add(c.Name, "mounts %s from volume %q, which the task definition does not define", m.ContainerPath, m.SourceVolume)
			}
		}
	}
	return errs
}
