package demo

import (
	"os"
	"os/exec"
)

// fullstack is one of the CLI's subcommands run as a user runs it, in a
// process of its own with its own environment, from this very binary: no
// second build.
func fullstack(args ...string) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(self, args...), nil
}
