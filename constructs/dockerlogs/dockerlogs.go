// Package dockerlogs renders the json-file log rotation every on-prem
// container uses.
package dockerlogs

import (
	"strconv"

	"github.com/aws/jsii-runtime-go"

	"github.com/homecloud-dev/fullstack/config"
)

// Driver is the log driver of every container.
const Driver = "json-file"

// Options are the driver's rotation options; an empty size or zero count
// takes config's defaults ("10m", 3).
func Options(maxSize string, maxFiles int) *map[string]*string {
	if maxSize == "" {
		maxSize = config.DefaultLogMaxSize
	}
	if maxFiles == 0 {
		maxFiles = config.DefaultLogMaxFiles
	}
	return &map[string]*string{"max-size": jsii.String(maxSize), "max-file": jsii.String(strconv.Itoa(maxFiles))}
}
