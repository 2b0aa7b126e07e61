// Package dockerlogs renders the json-file log rotation every on-prem
// container uses.
package dockerlogs

import (
	"strconv"

	"github.com/aws/jsii-runtime-go"
)

// Defaults of Options.
const (
	DefaultMaxSize  = "10m"
	DefaultMaxFiles = 3
)

// Driver is the log driver of every container.
const Driver = "json-file"

// Options are the driver's rotation options; an empty size or zero count
// takes DefaultMaxSize and DefaultMaxFiles.
func Options(maxSize string, maxFiles int) *map[string]*string {
	if maxSize == "" {
		maxSize = DefaultMaxSize
	}
	if maxFiles == 0 {
		maxFiles = DefaultMaxFiles
	}
	return &map[string]*string{"max-size": jsii.String(maxSize), "max-file": jsii.String(strconv.Itoa(maxFiles))}
}
