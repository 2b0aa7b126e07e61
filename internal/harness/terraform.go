package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Terraform runs the real Terraform CLI in one synthesized stack directory.
type Terraform struct {
	// Dir is the stack directory (cdktf.out/stacks/<name>).
	Dir string
	// CLIConfig is the TF_CLI_CONFIG_FILE to use (from WriteCLIConfig).
	CLIConfig string
	// Env is added to the environment (e.g. TF_VAR_... values).
	Env []string
	// Nice is added to terraform's niceness, and so to its providers'
	// (BackgroundNice for work no other test waits for). Default 0.
	Nice int
}

// Result is the outcome of one terraform command.
type Result struct {
	Args     []string
	ExitCode int
	Output   string
}

// Run runs terraform with args and returns its combined output. A non-zero
// exit is returned as an error that carries the output.
func (tf *Terraform) Run(args ...string) (Result, error) {
	cmd := niced(tf.Nice, "terraform", args...)
	cmd.Dir = tf.Dir
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		"TF_CLI_CONFIG_FILE="+tf.CLIConfig)
	cmd.Env = append(cmd.Env, tf.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	res := Result{Args: args, Output: out.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.ExitCode = exit.ExitCode()
		return res, fmt.Errorf("terraform %s: exit %d:\n%s", strings.Join(args, " "), res.ExitCode, res.Output)
	}
	if err != nil {
		return res, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return res, nil
}

// Init runs terraform init without asking anything.
func (tf *Terraform) Init() error {
	_, err := tf.Run("init", "-input=false", "-no-color")
	return err
}

// Validate runs terraform validate.
func (tf *Terraform) Validate() error {
	_, err := tf.Run("validate", "-no-color")
	return err
}

// Apply applies the stack without prompting.
func (tf *Terraform) Apply() error {
	_, err := tf.Run("apply", "-auto-approve", "-input=false", "-no-color")
	return err
}

// Outputs returns the stack outputs by name.
func (tf *Terraform) Outputs() (map[string]any, error) {
	res, err := tf.Run("output", "-json", "-no-color")
	if err != nil {
		return nil, err
	}
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(res.Output), &raw); err != nil {
		return nil, fmt.Errorf("parse terraform output -json: %w\n%s", err, res.Output)
	}
	out := map[string]any{}
	for k, v := range raw {
		out[k] = v.Value
	}
	return out, nil
}

// Change is one planned change: an attribute update ("aws_x.attr"), or a
// whole-resource action ("aws_x:create", ":delete", ":replace").
type Change struct {
	Address string
	What    string
}

// PlannedChanges plans and lists every change, attribute by attribute for
// updates, so a test can tell known emulator read-back differences from
// real drift.
func (tf *Terraform) PlannedChanges() ([]Change, error) {
	if _, err := tf.Run("plan", "-input=false", "-no-color", "-lock=false", "-out=drift.plan"); err != nil {
		return nil, err
	}
	res, err := tf.Run("show", "-json", "drift.plan")
	if err != nil {
		return nil, err
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(res.Output), &plan); err != nil {
		return nil, fmt.Errorf("parse plan: %w", err)
	}
	var out []Change
	for _, rc := range plan.ResourceChanges {
		actions := strings.Join(rc.Change.Actions, ",")
		switch actions {
		case "no-op", "read":
			continue
		case "update":
			for k, after := range rc.Change.After {
				if before, ok := rc.Change.Before[k]; !ok || fmt.Sprint(before) != fmt.Sprint(after) {
					out = append(out, Change{rc.Address, rc.Type + "." + k})
				}
			}
		default:
			out = append(out, Change{rc.Address, rc.Type + ":" + actions})
		}
	}
	return out, nil
}
