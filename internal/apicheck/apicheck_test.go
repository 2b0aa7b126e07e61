package apicheck

import (
	"strings"
	"testing"
)

const changelog = "# Changelog\n\n## [Unreleased]\n\n### Added\n- `config.Cloud.Backup`, `rollout.NewGate`.\n\n### Changed\n- `rollout.Props` lost `Port`. Migration: set `Config`.\n\n" +
	"## [0.2.0] - 2026-12-24\n\nCommit: `0123456789abcdef0123456789abcdef01234567`.\n\n## [0.1.0] - 2026-12-06\n\nCommit: `97e1acd88891964b657f87f39ef149d4cee0a4ac`.\n"

func TestLastVersion(t *testing.T) {
	v, err := LastVersion(changelog)
	if err != nil || v.Number != "0.2.0" || v.Commit != "0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("got %+v, %v", v, err)
	}
	if _, err := LastVersion("# Changelog\n\n## [0.1.0] - 2026-12-06\n\nNo commit here.\n\n## [0.0.1]\n\nCommit: `97e1acd88891964b657f87f39ef149d4cee0a4ac`\n"); err == nil ||
		!strings.Contains(err.Error(), "version 0.1.0 names no commit") {
		t.Errorf("a version without its commit: %v", err)
	}
	if _, err := LastVersion("# Changelog\n\n## [Unreleased]\n"); err == nil {
		t.Error("a changelog without a version")
	}
}

func TestUnnamedChanges(t *testing.T) {
	out := "Ignoring internal package x\nIncompatible changes:\n" +
		"- ./constructs/onprem/rollout.Props.Port: removed\n" +
		"- ./constructs/onprem/rollout.New: changed from func() to func() error\n" +
		"- ./config.Cloud: old is comparable, new is not\n" +
		// Programs are no API: their command line is their contract.
		"- package example.com/lib/cmd/apps: removed\n" +
		"- ./cmd/fullstack/release.Run: changed from func() to func() error\n" +
		"- package example.com/lib/constructs/onprem/oldproxy: removed\n"
	changes := Incompatible(out, "example.com/lib")
	if removed := changes[len(changes)-1]; removed.Name != "oldproxy" || removed.Dir != "constructs/onprem/oldproxy" {
		t.Errorf("a removed package parsed as %+v", removed)
	}
	changes = changes[:len(changes)-1]
	if len(changes) != 3 || changes[0].Name != "rollout.Props" || changes[1].Name != "rollout.New" || changes[2].Name != "config.Cloud" {
		t.Fatalf("parsed %+v", changes)
	}
	unnamed := Unnamed(changes, Unreleased(changelog), nil)
	// `rollout.NewGate` is not `rollout.New`, and `config.Cloud.Backup`
	// under Added does not excuse a break of config.Cloud.
	if len(unnamed) != 2 || unnamed[0].Name != "rollout.New" || unnamed[1].Name != "config.Cloud" {
		t.Errorf("unnamed %+v: only rollout.Props is under Changed", unnamed)
	}
}

// Two packages named restservice: only a path that is one's alone names a
// change of it.
func TestUnnamedChangesOfPackagesSharingAName(t *testing.T) {
	packages := []string{"constructs/cloud/restservice", "constructs/onprem/restservice", "config"}
	changes := Incompatible("- ./constructs/cloud/restservice.Props.Size: changed from Size to awsrules.TaskSize\n", "example.com/lib")
	if got := changes[0].Names(packages); strings.Join(got, " ") != "cloud/restservice.Props constructs/cloud/restservice.Props" {
		t.Errorf("names %q", got)
	}
	// A package whose name a program shares (cmd/fullstack/release) is
	// still named by its whole path.
	release := Incompatible("- ./release.Manifest: removed\n", "example.com/lib")[0]
	if got := release.Names([]string{"release", "cmd/fullstack/release"}); strings.Join(got, " ") != "release.Manifest" {
		t.Errorf("release's names %q", got)
	}
	for text, want := range map[string]int{
		"### Changed\n- `restservice.Props` changed.\n":               1, // which one?
		"### Changed\n- `onprem/restservice.Props` changed.\n":        1,
		"### Changed\n- `cloud/restservice.Props.Size` changed.\n":    0,
		"### Removed\n- `constructs/cloud/restservice.Props` goes.\n": 0,
	} {
		if got := Unnamed(changes, text, packages); len(got) != want {
			t.Errorf("%q leaves %d unnamed, want %d", text, len(got), want)
		}
	}
}
