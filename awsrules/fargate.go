package awsrules

import "slices"

// FargateCPUs are the task CPU values (units) Fargate accepts.
var FargateCPUs = []int{256, 512, 1024, 2048, 4096, 8192, 16384}

// fargateMemory lists the memory sizes (MiB) Fargate accepts for each CPU
// value: from, to and step (0: only 512, 1024 and 2048).
var fargateMemory = map[int][3]int{
	256:   {512, 2048, 0},
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// FargateMemory reports whether a task of cpu units may have mem MiB, and
// the memory range (MiB) that cpu allows; from and to are 0 for a CPU value
// Fargate does not have.
func FargateMemory(cpu, mem int) (ok bool, from, to int) {
	r, known := fargateMemory[cpu]
	if !known {
		return false, 0, 0
	}
	if r[2] == 0 {
		return slices.Contains([]int{512, 1024, 2048}, mem), r[0], r[1]
	}
	return mem >= r[0] && mem <= r[1] && (mem-r[0])%r[2] == 0, r[0], r[1]
}

// TaskSize is an app's capacity on Fargate (cpu units and MiB) and its
// task counts. On the home server only Memory is applied, as a container
// limit. The yaml keys are the project file's (apps[].size).
type TaskSize struct {
	// CPU units, one of FargateCPUs. Default 256.
	CPU int `yaml:"cpu"`
	// Memory in MiB, valid for the CPU per FargateMemory. Default 512.
	Memory int `yaml:"memory"`
	// DesiredCount of tasks at the first deploy; autoscaling owns it
	// after. Default 1.
	DesiredCount int `yaml:"desired_count"`
	// MinCount and MaxCount bound autoscaling. Defaults 1 and 2.
	MinCount int `yaml:"min_count"`
	MaxCount int `yaml:"max_count"`
}

// DefaultTaskSize is the smallest Fargate task, one running, up to two.
var DefaultTaskSize = TaskSize{CPU: 256, Memory: DefaultTaskMemoryMiB, DesiredCount: 1, MinCount: 1, MaxCount: 2}

// DefaultTaskMemoryMiB is the default task's memory; the home server gives
// an app's container the same (homerules.DefaultMemoryMiB).
const DefaultTaskMemoryMiB = 512

// WithDefaults fills each zero field from DefaultTaskSize.
func (s TaskSize) WithDefaults() TaskSize {
	d := DefaultTaskSize
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&s.CPU, d.CPU}, {&s.Memory, d.Memory}, {&s.DesiredCount, d.DesiredCount},
		{&s.MinCount, d.MinCount}, {&s.MaxCount, d.MaxCount},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return s
}
