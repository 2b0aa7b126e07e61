package dockercontainer

import (
	"strconv"

	"github.com/aws/jsii-runtime-go"
)

// Defaults of LogOptions.
const (
	DefaultLogMaxSize  = "10m"
	DefaultLogMaxFiles = 3
)

// LogDriver is the log driver of every container.
const LogDriver = "json-file"

// LogOptions are the driver's rotation options; an empty size or zero count
// takes DefaultLogMaxSize and DefaultLogMaxFiles.
func LogOptions(maxSize string, maxFiles int) *map[string]*string {
	if maxSize == "" {
		maxSize = DefaultLogMaxSize
	}
	if maxFiles == 0 {
		maxFiles = DefaultLogMaxFiles
	}
	return &map[string]*string{"max-size": jsii.String(maxSize), "max-file": jsii.String(strconv.Itoa(maxFiles))}
}
