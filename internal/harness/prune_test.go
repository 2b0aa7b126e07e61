package harness

import (
	"testing"
	"time"
)

func TestStaleImagesAreOldRunRegistriesAndUntagged(t *testing.T) {
	listing := `1111 127.0.0.1:25088/api/notes-api src-3c36 <none> 2026-11-20 10:00:00 +0000 UTC
1111 127.0.0.1:25115/api/notes-api src-3c36 <none> 2026-11-20 10:00:00 +0000 UTC
2222 127.0.0.1:25123/t646318/api/notes-api <none> sha256:aaaa 2026-11-21 10:00:00 +0000 UTC
2222 127.0.0.1:25123/t646318/api/notes-api <none> sha256:aaaa 2026-11-21 10:00:00 +0000 UTC
3333 127.0.0.1:25088/site/notes-web src-b30d <none> 2026-12-06 10:00:00 +0000 UTC
4444 <none> <none> <none> 2026-11-01 10:00:00 +0000 UTC
5555 <none> <none> <none> 2026-12-06 10:00:00 +0000 UTC
6666 postgres 16.6-bookworm sha256:bbbb 2024-11-19 10:00:00 +0000 UTC
7777 fullstack-standin/debian bookworm <none> 2026-10-01 10:00:00 +0000 UTC
8888 t1-postgres-backup 388c90ee4382 <none> 2026-10-01 10:00:00 +0000 UTC`
	cutoff := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	got := staleImages(listing, cutoff)
	want := []string{
		"127.0.0.1:25088/api/notes-api:src-3c36",
		"127.0.0.1:25115/api/notes-api:src-3c36",
		"127.0.0.1:25123/t646318/api/notes-api@sha256:aaaa",
		"4444",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
