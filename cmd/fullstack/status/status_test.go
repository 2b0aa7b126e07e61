package status

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/release"
)

func TestReleaseIsNamedOnlyWhenEveryImageRuns(t *testing.T) {
	m := &release.Manifest{Apps: map[string]release.App{
		"api": {Image: &release.Image{Digest: "sha256:aa"}},
		"web": {Site: &release.Site{}},
	}}
	if !runsManifest(m, map[string]string{"api": "sha256:aa", "web": "sha256:ff"}) {
		t.Error("the running images are the release's, sites aside")
	}
	if runsManifest(m, map[string]string{"api": "sha256:bb"}) {
		t.Error("another digest runs, yet the release is named")
	}
	if runsManifest(&release.Manifest{Apps: map[string]release.App{"web": {Site: &release.Site{}}}}, nil) {
		t.Error("a release without images matches anything")
	}
}

func TestReportReadsAtAGlance(t *testing.T) {
	started := time.Now().Add(-90 * time.Minute)
	r := &Report{
		Staging: &Environment{Name: "staging", Release: &ReleaseInfo{ID: "20261205T101500Z-1a2b3c4d5e6f", Commit: "1a2b3c4d5e6f77", Time: started},
			Apps: []AppStatus{{App: "notes-api", Health: "healthy", Digest: "sha256:0123456789abcdef", Since: started, Detail: "notes-notes-api-1 running"}}},
		Production: &Environment{Name: "production", ReleaseNote: "no release recorded",
			Apps: []AppStatus{{App: "notes-api", Health: "unhealthy", Detail: "0/1 tasks"}}},
		Backups:  []Backup{{Database: "notes_api", File: "notes_api-20261205T034700Z.dump", Time: started, Result: "healthy"}},
		Problems: []string{"ECS cluster notes-production: not found"},
	}
	var out bytes.Buffer
	printReport(&out, r)
	for _, want := range []string{
		"STAGING", "release 20261205T101500Z-1a2b3c4d5e6f (commit 1a2b3c4d5e6f, 1h30m0s ago)",
		"healthy  0123456789ab", "since 1h30m0s ago",
		"PRODUCTION", "no release recorded", "0/1 tasks",
		"notes_api", "notes_api-20261205T034700Z.dump",
		"could not read: ECS cluster notes-production: not found",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	if r.healthy() {
		t.Error("a report with an unhealthy app and a problem is healthy")
	}
	if m := dumpName.FindStringSubmatch("notes_api-20261205T034700Z.dump"); m == nil || m[1] != "notes_api" {
		t.Errorf("dump name: %v", m)
	}
}
