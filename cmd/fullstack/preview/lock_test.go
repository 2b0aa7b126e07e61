package preview

import (
	"io"
	"testing"
	"time"
)

// One preview's up, down and prune never overlap; other previews do not
// wait for it.
func TestPreviewLockIsHeldPerPreview(t *testing.T) {
	h := &home{previewsDir: t.TempDir(), stdout: io.Discard, stderr: io.Discard}
	unlock, err := h.lockPreview(42)
	if err != nil {
		t.Fatal(err)
	}
	other, err := h.lockPreview(41)
	if err != nil {
		t.Fatal(err)
	}
	other()
	got := make(chan time.Time, 1)
	go func() {
		again, err := h.lockPreview(42)
		if err != nil {
			t.Error(err)
		}
		got <- time.Now()
		again()
	}()
	select {
	case <-got:
		t.Fatal("a second command on preview 42 did not wait for the first")
	case <-time.After(300 * time.Millisecond):
	}
	released := time.Now()
	unlock()
	select {
	case at := <-got:
		if at.Before(released) {
			t.Error("the second command ran before the first released the lock")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second command still waits after the first released the lock")
	}
	if recs, err := loadRecords(h.previewsDir); err != nil || len(recs) != 0 {
		t.Errorf("the lock files are taken for previews: %v %v", recs, err)
	}
}
