// Package synth synthesizes a project's stacks into a directory and reads
// the resulting Terraform JSON back, for tests, the demo and the benchmark.
package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/graphcheck"
	"github.com/homecloud-dev/fullstack/stacks"
)

// Output is one synthesis: every stack's directory and JSON.
type Output struct {
	// Dir is the cdktf output directory (holding stacks/<name>/).
	Dir    string
	Stacks map[string]*Stack
}

// Stack is one synthesized stack.
type Stack struct {
	Name string
	// Dir is the stack directory terraform runs in.
	Dir string
	// Raw is cdk.tf.json as written.
	Raw []byte
	// JSON is Raw decoded.
	JSON map[string]any
}

// jsiiMu serializes synthesis: the jsii runtime is one node process with
// one request stream and is not safe for concurrent use.
var jsiiMu sync.Mutex

// Project synthesizes p into outDir, with local state kept in outDir too.
// It is safe to call from parallel tests.
func Project(p *config.Project, outDir string) (*Output, error) {
	return ProjectWith(p, outDir, stacks.Options{})
}

// ProjectWith is Project with synthesis options; StateDir and BuildDir
// default to outDir.
func ProjectWith(p *config.Project, outDir string, opts stacks.Options) (*Output, error) {
	jsiiMu.Lock()
	defer jsiiMu.Unlock()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outDir)})
	if opts.StateDir == "" {
		opts.StateDir = outDir
	}
	if opts.BuildDir == "" {
		opts.BuildDir = filepath.Join(outDir, "build")
	}
	if _, err := stacks.Build(app, p, opts); err != nil {
		return nil, err
	}
	app.Synth()
	out := &Output{Dir: outDir, Stacks: map[string]*Stack{}}
	names := []string{stacks.OnPremName, stacks.BootstrapName, stacks.CloudName}
	if opts.Preview != 0 {
		names = []string{stacks.PreviewStackName(opts.Preview)}
	}
	for _, name := range names {
		s, err := Read(outDir, name)
		if err != nil {
			return nil, err
		}
		out.Stacks[name] = s
	}
	return out, nil
}

// Read reads back stack name synthesized into outDir and checks its graph
// for what the emulator does not enforce: every stack the tests
// synthesize is read here.
func Read(outDir, name string) (*Stack, error) {
	dir := filepath.Join(outDir, "stacks", name)
	raw, err := os.ReadFile(filepath.Join(dir, "cdk.tf.json"))
	if err != nil {
		return nil, err
	}
	s := &Stack{Name: name, Dir: dir, Raw: raw}
	if err := json.Unmarshal(raw, &s.JSON); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := graphcheck.TaskWiring(raw); err != nil {
		return nil, fmt.Errorf("stack %s would not start its tasks on AWS:\n%w", name, err)
	}
	if err := graphcheck.TaskHardening(raw); err != nil {
		return nil, fmt.Errorf("stack %s has task containers that are not locked down:\n%w", name, err)
	}
	if err := graphcheck.AlarmWiring(raw); err != nil {
		return nil, fmt.Errorf("stack %s has alarms that would not work on AWS:\n%w", name, err)
	}
	if err := graphcheck.BackupWiring(raw); err != nil {
		return nil, fmt.Errorf("stack %s has backups that would not work on AWS:\n%w", name, err)
	}
	if err := spoolForScan(name, raw); err != nil {
		return nil, err
	}
	return s, nil
}

// ScanSpoolEnv names a directory that collects every distinct stack the
// tests synthesize, so that the test command can scan them all at once
// (fullstack scan) after the suites have run.
const ScanSpoolEnv = "FULLSTACK_SCAN_SPOOL"

// spoolForScan copies a stack into the scan spool, once per distinct
// content. The write is atomic: parallel test processes spool at once.
func spoolForScan(name string, raw []byte) error {
	spool := os.Getenv(ScanSpoolEnv)
	if spool == "" {
		return nil
	}
	sum := sha256.Sum256(raw)
	// <spool>/<hash>/<name>/cdk.tf.json: the scan names stacks by their
	// directory, as in cdktf.out/stacks.
	dir := filepath.Join(spool, hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	tmp, err := os.MkdirTemp(spool, ".spooling-")
	if err == nil {
		err = os.Mkdir(filepath.Join(tmp, name), 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, name, "cdk.tf.json"), raw, 0o644)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ScanSpoolEnv, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process spooled the same stack first.
		os.RemoveAll(tmp)
	}
	return nil
}

// Resources returns every resource of a type, by logical id.
func (s *Stack) Resources(typ string) map[string]map[string]any {
	return objects(s.JSON, "resource", typ)
}

// Data returns every data source of a type, by logical id.
func (s *Stack) Data(typ string) map[string]map[string]any {
	return objects(s.JSON, "data", typ)
}

// Strings is a JSON list as strings (nil for anything else).
func Strings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// Only returns the single resource of a type, or an error naming how many
// there were.
func (s *Stack) Only(typ string) (map[string]any, error) {
	rs := s.Resources(typ)
	if len(rs) != 1 {
		return nil, fmt.Errorf("stack %s has %d %s resources, want 1", s.Name, len(rs), typ)
	}
	for _, r := range rs {
		return r, nil
	}
	return nil, nil
}

// Outputs returns the stack outputs by name.
func (s *Stack) Outputs() map[string]any { return object(s.JSON, "output") }

// Variables returns the stack variables by name.
func (s *Stack) Variables() map[string]any { return object(s.JSON, "variable") }

// Provider returns the first configuration block of a provider.
func (s *Stack) Provider(name string) map[string]any {
	providers, _ := s.JSON["provider"].(map[string]any)
	list, _ := providers[name].([]any)
	if len(list) == 0 {
		return nil
	}
	m, _ := list[0].(map[string]any)
	return m
}

// Terraform returns the "terraform" block (backend, required_providers).
func (s *Stack) Terraform() map[string]any {
	m, _ := s.JSON["terraform"].(map[string]any)
	return m
}

// object walks keys into nested JSON objects (nil when one is missing).
func object(root map[string]any, keys ...string) map[string]any {
	cur := root
	for _, k := range keys {
		next, _ := cur[k].(map[string]any)
		cur = next
	}
	return cur
}

// objects is object's object-valued entries.
func objects(root map[string]any, keys ...string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k, v := range object(root, keys...) {
		if m, ok := v.(map[string]any); ok {
			out[k] = m
		}
	}
	return out
}
