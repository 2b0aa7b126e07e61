package preview

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// recordFile is a preview's record in its folder.
const recordFile = "preview.json"

// record is what `list` shows of a preview and `prune` decides by.
type record struct {
	Number int `json:"number"`
	// Commit is the commit last deployed (or being deployed).
	Commit  string    `json:"commit"`
	Created time.Time `json:"created"`
	// Deployed is the last successful deploy (zero: none yet).
	Deployed time.Time         `json:"deployed"`
	URL      string            `json:"url,omitempty"`
	URLs     map[string]string `json:"urls,omitempty"`
}

// lastActive is when the preview was last deployed, or created when it
// never was.
func (r record) lastActive() time.Time {
	if r.Deployed.IsZero() {
		return r.Created
	}
	return r.Deployed
}

func saveRecord(dir string, r record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+recordFile)
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, recordFile))
}

// loadRecord reads preview dir's record; a folder without one (a deploy
// interrupted before it was written) is still a preview, numbered by its
// name.
func loadRecord(dir string) (record, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), "pr-"))
	if err != nil {
		return record{}, fmt.Errorf("%s is not a preview folder", dir)
	}
	r := record{Number: n}
	data, err := os.ReadFile(filepath.Join(dir, recordFile))
	if errors.Is(err, os.ErrNotExist) {
		if st, err := os.Stat(dir); err == nil {
			r.Created = st.ModTime()
		}
		return r, nil
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("%s: %w", filepath.Join(dir, recordFile), err)
	}
	return r, nil
}

// loadRecords reads every preview under previewsDir, by number.
func loadRecords(previewsDir string) ([]record, error) {
	dirs, err := filepath.Glob(filepath.Join(previewsDir, "pr-*"))
	if err != nil {
		return nil, err
	}
	var out []record
	var errs []error
	for _, d := range dirs {
		r, err := loadRecord(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, errors.Join(errs...)
}

// checkRoom refuses preview n when max others run already: another pull
// request's preview is never removed to make room.
func checkRoom(recs []record, n, max int) error {
	var others []string
	for _, r := range recs {
		if r.Number == n {
			return nil // an update
		}
		others = append(others, "pr-"+strconv.Itoa(r.Number))
	}
	if len(others) < max {
		return nil
	}
	return fmt.Errorf("preview %d: %d previews run already (%s) and onprem.previews.max is %d: remove one (`preview down <n>`, `preview prune`) or raise the limit",
		n, len(others), strings.Join(others, ", "), max)
}

// toPrune are the previews not deployed within maxAge, then the least
// recently deployed beyond max: the most recent ones stay.
func toPrune(recs []record, now time.Time, maxAge time.Duration, max int) []record {
	var keep, out []record
	for _, r := range recs {
		if now.Sub(r.lastActive()) > maxAge {
			out = append(out, r)
		} else {
			keep = append(keep, r)
		}
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].lastActive().After(keep[j].lastActive()) })
	if len(keep) > max {
		out = append(out, keep[max:]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}
