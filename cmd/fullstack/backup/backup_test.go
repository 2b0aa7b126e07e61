package backup

import (
	"bytes"
	"flag"
	"io"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"

	"errors"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/config"
)

func TestNewestDumpPicksTheDatabasesNewest(t *testing.T) {
	listing := "globals-20261206T034700Z.sql\nnotes_api-20261204T034700Z.dump\nnotes_api-20261206T034700Z.dump\nnotes_api-20261206T034700Z.tables\nnotes_api_x-20261207T034700Z.dump\nmetrics\n"
	if got := newestDump(listing, "notes_api"); got != "notes_api-20261206T034700Z.dump" {
		t.Errorf("newestDump = %q", got)
	}
	if got := newestDump(listing, "orders"); got != "" {
		t.Errorf("newestDump of a database without a dump = %q", got)
	}
}

func TestPickASnapshot(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 3, 47, 0, 0, time.UTC) }
	snaps := []snapshot{{"aaaa1111", day(1)}, {"bbbb2222", day(2)}, {"cccc3333", day(3)}}
	for _, c := range []struct {
		id     string
		before time.Time
		want   string
	}{
		{"", time.Time{}, "cccc3333"},
		{"", day(3), "bbbb2222"}, // a round run after the new container holds empty databases
		{"aaaa", time.Time{}, "aaaa1111"},
		{"aaaa", day(2), "aaaa1111"}, // an ID given wins
	} {
		got, err := pick(snaps, c.id, c.before)
		if err != nil || got.ID != c.want {
			t.Errorf("pick(%q, %v) = %v, %v; want %s", c.id, c.before, got, err, c.want)
		}
	}
	if _, err := pick(snaps, "dddd", time.Time{}); err == nil || !strings.Contains(err.Error(), "-snapshot dddd: no such snapshot") {
		t.Errorf("an unknown ID: %v", err)
	}
	if _, err := pick(snaps, "", day(1)); err == nil || !strings.Contains(err.Error(), "no snapshot taken before") {
		t.Errorf("nothing before: %v", err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"now", "-no-such-flag"}} {
		if err := run(args, io.Discard, io.Discard); cli.Code(err) != cli.ExitUsage {
			t.Errorf("run(%q) = %v, want the usage", args, err)
		}
	}
	var help bytes.Buffer
	if err := run([]string{"--help"}, &help, io.Discard); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help.String(), "restore-data") {
		t.Errorf("run(--help) = %v, printed %q", err, help.String())
	}
}

// The restores name every missing secret at once, before touching
// anything.
func TestRestoreNamesEveryMissingSecret(t *testing.T) {
	for _, v := range []string{config.OffsitePasswordVariable, config.OffsiteAccessKeyIDVariable, config.OffsiteSecretAccessKeyVariable} {
		t.Setenv("TF_VAR_"+v, "")
	}
	p := &config.Project{Name: "shop"}
	if _, err := (server{p: p}).offsiteSecrets(); err == nil || !strings.Contains(err.Error(), "onprem.offsite.repository is not set") {
		t.Errorf("without a repository: %v", err)
	}
	p.OnPrem.Offsite.Repository = "s3:https://s3.amazonaws.com/shop-backups"
	t.Setenv("TF_VAR_"+config.OffsiteAccessKeyIDVariable, "key")
	_, err := (server{p: p}).offsiteSecrets()
	if err == nil {
		t.Fatal("no error with two secrets missing")
	}
	for _, want := range []string{"TF_VAR_onprem_offsite_password", "TF_VAR_onprem_offsite_secret_access_key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s: %v", want, err)
		}
	}
}
