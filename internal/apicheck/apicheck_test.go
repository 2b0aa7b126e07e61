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
		"- ./cmd/fullstack/release.Run: changed from func() to func() error\n"
	changes := Incompatible(out, "example.com/lib")
	if len(changes) != 3 || changes[0].Name != "rollout.Props" || changes[1].Name != "rollout.New" || changes[2].Name != "config.Cloud" {
		t.Fatalf("parsed %+v", changes)
	}
	unnamed := Unnamed(changes, Unreleased(changelog))
	// `rollout.NewGate` is not `rollout.New`, and `config.Cloud.Backup`
	// under Added does not excuse a break of config.Cloud.
	if len(unnamed) != 2 || unnamed[0].Name != "rollout.New" || unnamed[1].Name != "config.Cloud" {
		t.Errorf("unnamed %+v: only rollout.Props is under Changed", unnamed)
	}
}
