package ecscluster

import (
	"encoding/json"
	"strings"
)

// ContainerDefinition is one container of an ECS task definition, the
// fields this project sets. Fields are in alphabetical order so the JSON
// reads the same as ECS returns it.
type ContainerDefinition struct {
	Command                []string         `json:"command,omitempty"`
	Environment            []KeyValue       `json:"environment"`
	Essential              bool             `json:"essential"`
	HealthCheck            *HealthCheck     `json:"healthCheck,omitempty"`
	Image                  string           `json:"image"`
	LinuxParameters        *LinuxParameters `json:"linuxParameters,omitempty"`
	LogConfiguration       LogConfiguration `json:"logConfiguration"`
	MountPoints            []MountPoint     `json:"mountPoints,omitempty"`
	Name                   string           `json:"name"`
	PortMappings           []PortMapping    `json:"portMappings,omitempty"`
	ReadonlyRootFilesystem *bool            `json:"readonlyRootFilesystem,omitempty"`
	Secrets                []Secret         `json:"secrets,omitempty"`
	User                   string           `json:"user,omitempty"`
}

// HealthCheck is the container's own health check, run by the ECS agent
// inside the container (seconds; ECS allows interval 5-300, timeout 2-60,
// retries 1-10, startPeriod 0-300).
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
	Timeout     int      `json:"timeout"`
}

// LinuxParameters are the kernel-level settings of a container.
type LinuxParameters struct {
	Capabilities       *Capabilities `json:"capabilities,omitempty"`
	InitProcessEnabled bool          `json:"initProcessEnabled"`
}

// Capabilities are added to and dropped from Docker's default set
// (Fargate lets a task add only SYS_PTRACE).
type Capabilities struct {
	Add  []string `json:"add,omitempty"`
	Drop []string `json:"drop,omitempty"`
}

// MountPoint mounts one of the task's volumes.
type MountPoint struct {
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
	SourceVolume  string `json:"sourceVolume"`
}

// KeyValue is a plain environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable ECS reads from Secrets Manager at
// task start (ValueFrom: an ARN, optionally ":<json key>::").
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// PortMapping is a container port.
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

// LogConfiguration sends the container's output to CloudWatch Logs.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// AWSLogs is the awslogs driver writing to group in region, streams
// prefixed with prefix.
func AWSLogs(group, region, prefix string) LogConfiguration {
	return LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix,
	}}
}

// ContainerDefinitions encodes a task's containers as the task
// definition's container_definitions.
func ContainerDefinitions(defs ...ContainerDefinition) string {
	// Plain strings, numbers and lists: encoding cannot fail.
	b, _ := json.Marshal(defs)
	return string(b)
}

// IsDigest reports whether s is an image manifest digest as a container
// definition names it after '@': sha256:<64 lowercase hex digits>.
func IsDigest(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	return ok && len(hex) == 64 && strings.Trim(hex, "0123456789abcdef") == ""
}
