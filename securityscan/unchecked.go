package securityscan

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// StackFile is the file cdktf writes for each stack.
const StackFile = "cdk.tf.json"

// uncheckedTypes are the resource type prefixes of the providers Trivy
// has no Terraform checks for (TestTrivyHasNoChecksForUncheckedProviders
// shows it for the risky settings of the first two).
var uncheckedTypes = []string{"docker_", "postgresql_", "null_", "random_", "time_", "local_", "terraform_data"}

// Stacks lists the stacks under dir, each a directory holding a
// StackFile (relative to dir), and among them the unchecked ones: those
// whose every resource and data source is of a provider Trivy has no
// checks for. A stack that calls a module is never unchecked.
func Stacks(dir string) (all, unchecked []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != StackFile {
			return err
		}
		rel, err := filepath.Rel(dir, filepath.Dir(path))
		if err != nil {
			return err
		}
		all = append(all, rel)
		only, err := onlyUncheckedTypes(path)
		if only {
			unchecked = append(unchecked, rel)
		}
		return err
	})
	return all, unchecked, err
}

// onlyUncheckedTypes reads one stack and says whether Trivy has checks
// for none of what it declares.
func onlyUncheckedTypes(path string) (bool, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	var stack struct {
		Resource map[string]json.RawMessage `json:"resource"`
		Data     map[string]json.RawMessage `json:"data"`
		Module   map[string]json.RawMessage `json:"module"`
	}
	if json.Unmarshal(raw, &stack) != nil {
		// Trivy reads it and says what is wrong (the scan fails then).
		return false, nil
	}
	if len(stack.Module) > 0 {
		return false, nil
	}
	for _, kinds := range []map[string]json.RawMessage{stack.Resource, stack.Data} {
		for kind := range kinds {
			if !hasUncheckedPrefix(kind) {
				return false, nil
			}
		}
	}
	return true, nil
}

func hasUncheckedPrefix(kind string) bool {
	for _, p := range uncheckedTypes {
		if strings.HasPrefix(kind, p) {
			return true
		}
	}
	return false
}
