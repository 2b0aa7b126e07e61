package taskrun

import (
	"encoding/json"
	"fmt"
)

// TaskDefinition is a task definition as ECS's DescribeTaskDefinition
// returns it: the fields Fargate acts on.
type TaskDefinition struct {
	Family               string      `json:"family"`
	Revision             int         `json:"revision"`
	ARN                  string      `json:"taskDefinitionArn"`
	NetworkMode          string      `json:"networkMode"`
	CPU                  string      `json:"cpu"`
	Memory               string      `json:"memory"`
	ExecutionRoleARN     string      `json:"executionRoleArn"`
	ContainerDefinitions []Container `json:"containerDefinitions"`
	Volumes              []Volume    `json:"volumes"`
}

// Container is one container definition.
type Container struct {
	Name                   string            `json:"name"`
	Image                  string            `json:"image"`
	Essential              *bool             `json:"essential"`
	EntryPoint             []string          `json:"entryPoint"`
	Command                []string          `json:"command"`
	Environment            []KeyValue        `json:"environment"`
	Secrets                []Secret          `json:"secrets"`
	PortMappings           []PortMapping     `json:"portMappings"`
	ReadonlyRootFilesystem *bool             `json:"readonlyRootFilesystem"`
	User                   string            `json:"user"`
	LinuxParameters        *LinuxParameters  `json:"linuxParameters"`
	MountPoints            []MountPoint      `json:"mountPoints"`
	HealthCheck            *HealthCheck      `json:"healthCheck"`
	LogConfiguration       *LogConfiguration `json:"logConfiguration"`
	StopTimeout            *int              `json:"stopTimeout"`
}

// KeyValue is a plain environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable ECS resolves at task start.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// PortMapping is a container port (awsvpc: the host port is the same).
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

// LinuxParameters are the kernel-level settings.
type LinuxParameters struct {
	Capabilities *struct {
		Add  []string `json:"add"`
		Drop []string `json:"drop"`
	} `json:"capabilities"`
	InitProcessEnabled *bool `json:"initProcessEnabled"`
}

// MountPoint mounts a task volume.
type MountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      *bool  `json:"readOnly"`
}

// Volume is a task volume; without a host or EFS configuration it is the
// task's ephemeral storage.
type Volume struct {
	Name string `json:"name"`
}

// HealthCheck is the container's own health check (seconds).
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// LogConfiguration is the container's log driver.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// essential is ECS's default: a container is essential unless it says not.
func (c Container) essential() bool { return c.Essential == nil || *c.Essential }

// Describe reads the latest active revision of family (or a full task
// definition ARN) from the ECS API.
func (r *Runner) Describe(family string) (*TaskDefinition, error) {
	var out struct {
		TaskDefinition TaskDefinition `json:"taskDefinition"`
	}
	if err := r.aws().call("ecs", "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition", map[string]string{"taskDefinition": family}, &out); err != nil {
		return nil, fmt.Errorf("task definition %s: %w", family, err)
	}
	if len(out.TaskDefinition.ContainerDefinitions) == 0 {
		return nil, fmt.Errorf("task definition %s has no containers", family)
	}
	return &out.TaskDefinition, nil
}

// Clone is a deep copy of td, for tests that change one field.
func (td *TaskDefinition) Clone() *TaskDefinition {
	b, _ := json.Marshal(td)
	var c TaskDefinition
	_ = json.Unmarshal(b, &c)
	return &c
}
