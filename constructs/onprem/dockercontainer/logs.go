package dockercontainer

import (
	"strconv"

	"github.com/aws/jsii-runtime-go"

	"github.com/homecloud-dev/fullstack/homerules"
)

// Log rotation defaults (Options.LogMaxSize, Options.LogMaxFiles).
const (
	DefaultLogMaxSize  = homerules.DefaultLogMaxSize
	DefaultLogMaxFiles = homerules.DefaultLogMaxFiles
)

// logDriver is the log driver of every container.
const logDriver = "json-file"

// logOptions are the driver's rotation options; an empty size or zero count
// takes DefaultLogMaxSize and DefaultLogMaxFiles.
func logOptions(maxSize string, maxFiles int) *map[string]*string {
	if maxSize == "" {
		maxSize = DefaultLogMaxSize
	}
	if maxFiles == 0 {
		maxFiles = DefaultLogMaxFiles
	}
	return &map[string]*string{"max-size": jsii.String(maxSize), "max-file": jsii.String(strconv.Itoa(maxFiles))}
}
