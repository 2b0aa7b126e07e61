package securityscan

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// AcceptedFile is the repository's list of accepted findings.
const AcceptedFile = "security/accepted-findings.yaml"

// Acceptance is one accepted finding: a check, optionally narrowed to
// resource types and stacks, with the reason it is accepted.
type Acceptance struct {
	// ID is Trivy's check id, e.g. AWS-0011. Required.
	ID string `yaml:"id"`
	// Resources are resource types or addresses (path.Match patterns,
	// e.g. aws_cloudfront_distribution or aws_s3_bucket.state_*). Empty
	// means every resource.
	Resources []string `yaml:"resources"`
	// Stacks are stack name patterns (onprem, cloud, cloud-bootstrap,
	// preview-*). Empty means every stack.
	Stacks []string `yaml:"stacks"`
	// Reason says why the finding is accepted: a priced option that is
	// off by default (and how to turn it on), a design choice, or a
	// false positive. Required.
	Reason string `yaml:"reason"`

	line int
}

// Matches reports whether the acceptance covers f.
func (a Acceptance) Matches(f Finding) bool {
	if a.ID != f.ID {
		return false
	}
	return matchesAny(a.Resources, f.Resource, f.ResourceType()) && matchesAny(a.Stacks, f.Stack)
}

func matchesAny(patterns []string, values ...string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		for _, v := range values {
			if ok, _ := path.Match(p, v); ok {
				return true
			}
		}
	}
	return false
}

var knownFields = map[string]bool{"id": true, "resources": true, "stacks": true, "reason": true}

// LoadAccepted reads and checks an accepted-findings file. Every problem
// is reported at once, with its line.
func LoadAccepted(file string) ([]Acceptance, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseAccepted(file, raw)
}

// ParseAccepted is LoadAccepted on bytes; file names them in errors.
func ParseAccepted(file string, raw []byte) ([]Acceptance, error) {
	var doc struct {
		Accepted []yaml.Node `yaml:"accepted"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var list []Acceptance
	var problems []string
	for _, node := range doc.Accepted {
		var a Acceptance
		if err := node.Decode(&a); err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", file, node.Line, err))
			continue
		}
		a.line = node.Line
		for i := 0; i+1 < len(node.Content); i += 2 {
			if key := node.Content[i].Value; !knownFields[key] {
				problems = append(problems, fmt.Sprintf("%s:%d: unknown field %q (known: id, resources, stacks, reason)", file, node.Content[i].Line, key))
			}
		}
		if strings.TrimSpace(a.ID) == "" {
			problems = append(problems, fmt.Sprintf("%s:%d: accepted entry has no id: name the check (e.g. AWS-0011)", file, a.line))
		}
		if strings.TrimSpace(a.Reason) == "" {
			problems = append(problems, fmt.Sprintf("%s:%d: accepted %s has no reason: say why it is accepted", file, a.line, a.ID))
		}
		for _, p := range append(append([]string{}, a.Resources...), a.Stacks...) {
			if _, err := path.Match(p, ""); err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: accepted %s: pattern %q is malformed", file, a.line, a.ID, p))
			}
		}
		list = append(list, a)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return list, nil
}

// Where names the acceptance in messages: file line and id.
func (a Acceptance) Where() string { return fmt.Sprintf("line %d (%s)", a.line, a.ID) }
