package preview

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func rec(n int, deployedAgo time.Duration) record {
	return record{Number: n, Created: now.Add(-deployedAgo - time.Hour), Deployed: now.Add(-deployedAgo)}
}

func numbers(recs []record) []int {
	out := []int{}
	for _, r := range recs {
		out = append(out, r.Number)
	}
	return out
}

func TestCheckRoomRefusesBeyondTheLimitButAllowsAnUpdate(t *testing.T) {
	recs := []record{rec(41, time.Hour), rec(42, time.Minute)}
	if err := checkRoom(recs, 42, 2); err != nil {
		t.Errorf("an update of a running preview at the limit: %v", err)
	}
	err := checkRoom(recs, 43, 2)
	if err == nil || !strings.Contains(err.Error(), "preview 43: 2 previews run already (pr-41, pr-42) and onprem.previews.max is 2") {
		t.Errorf("a third preview with a limit of 2: %v", err)
	}
	if err := checkRoom(recs, 43, 3); err != nil {
		t.Errorf("a third preview with a limit of 3: %v", err)
	}
}

func TestToPrune(t *testing.T) {
	day := 24 * time.Hour
	never := record{Number: 7, Created: now.Add(-9 * day)} // its first deploy failed
	recs := []record{rec(41, 2*day), rec(42, time.Hour), rec(43, 8*day), never, rec(44, 3*time.Hour)}
	for _, c := range []struct {
		max  int
		want []int
	}{
		{max: 10, want: []int{7, 43}},        // idle for more than a week
		{max: 1, want: []int{7, 41, 43, 44}}, // then keep the most recently deployed
		{max: 0, want: []int{7, 41, 42, 43, 44}},
	} {
		if got := numbers(toPrune(recs, now, 7*day, c.max)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("max %d: prune %v, want %v", c.max, got, c.want)
		}
	}
}

func TestRecordsRoundTripAndAFolderWithoutOne(t *testing.T) {
	dir := t.TempDir()
	r := rec(41, time.Hour)
	r.Commit, r.URL = "0123456789abcdef", "http://pr-41.localhost:8090"
	if err := os.MkdirAll(filepath.Join(dir, "pr-41"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := saveRecord(filepath.Join(dir, "pr-41"), r); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "pr-5"), 0o700); err != nil { // interrupted first deploy
		t.Fatal(err)
	}
	recs, err := loadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := numbers(recs); !reflect.DeepEqual(got, []int{5, 41}) {
		t.Fatalf("previews %v", got)
	}
	if recs[1].Commit != r.Commit || !recs[1].Deployed.Equal(r.Deployed) || recs[0].Created.IsZero() {
		t.Errorf("records read back: %+v", recs)
	}
	if st, _ := os.Stat(filepath.Join(dir, "pr-41", recordFile)); st.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v", st.Mode())
	}
}

func TestDatabasePasswordsAreGeneratedOnceAndPrivate(t *testing.T) {
	dir := t.TempDir()
	first, err := databasePasswords(dir, []string{"notes-api"})
	if err != nil {
		t.Fatal(err)
	}
	if len(first["notes-api"]) < 24 || strings.ContainsAny(first["notes-api"], `\:'"`) {
		t.Errorf("password %q", first["notes-api"])
	}
	again, err := databasePasswords(dir, []string{"notes-api", "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if again["notes-api"] != first["notes-api"] || again["orders"] == "" || again["orders"] == first["notes-api"] {
		t.Errorf("passwords changed or were shared: %v then %v", first, again)
	}
	if st, _ := os.Stat(filepath.Join(dir, secretsFile)); st.Mode().Perm() != 0o600 {
		t.Errorf("secrets mode %v", st.Mode())
	}
}
