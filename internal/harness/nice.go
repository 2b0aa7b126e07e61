package harness

import (
	"os/exec"
	"strconv"
)

// BackgroundNice is the niceness of work that no other test waits for
// (the emulator suite beside the on-prem one): on a machine whose cores
// are the limit, the tests on the critical path get them first, and the
// background work takes what is left.
const BackgroundNice = 10

// niced is exec.Command under nice(1) when nice is above 0. nice execs
// the program, so every thread and child it starts has the niceness
// (setpriority on a running process would miss threads already made).
func niced(nice int, name string, args ...string) *exec.Cmd {
	if nice <= 0 {
		return exec.Command(name, args...)
	}
	return exec.Command("nice", append([]string{"-n", strconv.Itoa(nice), name}, args...)...)
}
