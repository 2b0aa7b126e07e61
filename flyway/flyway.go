package flyway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Kind is the kind of a migration.
type Kind string

// The kinds of migration Flyway community edition applies.
const (
	Versioned  Kind = "SQL"
	Repeatable Kind = "SQL_REPEATABLE"
)

// Migration is one SQL file.
type Migration struct {
	// File is the file name, e.g. "V1_2__add_tags.sql".
	File string
	// Kind is Versioned or Repeatable.
	Kind Kind
	// Version is the normalized version ("1.2"), empty for repeatables.
	Version string
	// Description is the name part with underscores as spaces.
	Description string
	// SQL is the file content.
	SQL []byte
	// Checksum is Flyway's checksum: CRC32 of the lines without their line
	// endings (and without a UTF-8 byte order mark).
	Checksum int32
	parts    []*big.Int
}

var (
	versionedName  = regexp.MustCompile(`^V([0-9]+(?:[._][0-9]+)*)__([^\s].*)\.sql$`)
	repeatableName = regexp.MustCompile(`^R__([^\s].*)\.sql$`)
)

// Load reads every migration in a project's migrations folder, in Flyway
// order: versioned by version, then repeatables by description. Files
// that are not .sql are ignored (a README may live there). An SQL callback
// (IsCallback) is refused: the migration image carries the migrations and
// fullstack's own callback only. Every problem is reported at once, each
// naming the file.
func Load(dir string) ([]Migration, error) { return load(dir, false) }

// LoadSkippingCallbacks is Load for a Flyway SQL folder that also holds
// callbacks (a migration image's), which it leaves out.
func LoadSkippingCallbacks(dir string) ([]Migration, error) { return load(dir, true) }

func load(dir string, skipCallbacks bool) ([]Migration, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", dir)
		}
		return nil, err
	}
	var (
		out     []Migration
		errs    []error
		version = map[string]string{}
		repeat  = map[string]string{}
	)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") || (skipCallbacks && IsCallback(e.Name())) {
			continue
		}
		if IsCallback(e.Name()) {
			errs = append(errs, fmt.Errorf("%s: is a Flyway callback, which the migration image does not carry (it carries the migrations and fullstack's own callback, which grants the app's role): put its SQL in a migration (R__<description>.sql re-runs whenever it changes)", filepath.Join(dir, e.Name())))
			continue
		}
		m, err := parse(e.Name())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Join(dir, e.Name()), err))
			continue
		}
		m.SQL, err = os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(bytes.TrimSpace(m.SQL)) == 0 {
			errs = append(errs, fmt.Errorf("%s: is empty: a migration must contain SQL", filepath.Join(dir, e.Name())))
			continue
		}
		m.Checksum = checksum(m.SQL)
		switch m.Kind {
		case Versioned:
			if other, dup := version[m.Version]; dup {
				errs = append(errs, fmt.Errorf("%s: version %s is already used by %s: each version must be unique", filepath.Join(dir, e.Name()), m.Version, other))
				continue
			}
			version[m.Version] = e.Name()
		case Repeatable:
			if other, dup := repeat[m.Description]; dup {
				errs = append(errs, fmt.Errorf("%s: description %q is already used by %s", filepath.Join(dir, e.Name()), m.Description, other))
				continue
			}
			repeat[m.Description] = e.Name()
		}
		out = append(out, m)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out, nil
}

// callbackName is an SQL callback: Flyway runs it on an event
// (afterMigrate, beforeEachMigrate, ...), never as a migration.
var callbackName = regexp.MustCompile(`^(before|after)[A-Z][A-Za-z]*(__[^\s].*)?\.sql$`)

// IsCallback reports whether file is an SQL callback's name, which Load
// leaves out.
func IsCallback(file string) bool { return callbackName.MatchString(file) }

// parse applies Flyway's naming rules to a file name.
func parse(file string) (Migration, error) {
	if m := versionedName.FindStringSubmatch(file); m != nil {
		parts, norm := splitVersion(m[1])
		return Migration{File: file, Kind: Versioned, Version: norm, Description: describe(m[2]), parts: parts}, nil
	}
	if m := repeatableName.FindStringSubmatch(file); m != nil {
		return Migration{File: file, Kind: Repeatable, Description: describe(m[1])}, nil
	}
	switch {
	case strings.HasPrefix(file, "U") || strings.HasPrefix(file, "B"):
		return Migration{}, errors.New("undo (U) and baseline (B) migrations are not supported by Flyway community edition: use V<version>__<description>.sql")
	case strings.HasPrefix(file, "V") && !strings.Contains(file, "__"):
		return Migration{}, errors.New("is not a Flyway name: separate version and description with two underscores (V1__create_notes.sql)")
	case strings.HasPrefix(file, "V"):
		return Migration{}, errors.New("is not a Flyway name: the version must be numbers separated by '.' or '_' (V1, V1.1, V2_3) and a description must follow '__'")
	}
	return Migration{}, errors.New("is not a Flyway name: use V<version>__<description>.sql (versioned) or R__<description>.sql (repeatable)")
}

// splitVersion turns "1_02.3" into [1 2 3] and "1.2.3". Leading zeros do not
// count, as in Flyway: V1.01 and V1.1 are the same version.
func splitVersion(v string) ([]*big.Int, string) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' })
	parts := make([]*big.Int, len(fields))
	norm := make([]string, len(fields))
	for i, f := range fields {
		parts[i], _ = new(big.Int).SetString(f, 10)
		norm[i] = parts[i].String()
	}
	// Trailing zero parts do not count either: 1.0 == 1.
	for len(norm) > 1 && norm[len(norm)-1] == "0" {
		norm, parts = norm[:len(norm)-1], parts[:len(parts)-1]
	}
	return parts, strings.Join(norm, ".")
}

func describe(s string) string { return strings.ReplaceAll(s, "_", " ") }

// less is Flyway's order: versioned (by version) before repeatables (by
// description).
func less(a, b Migration) bool {
	if a.Kind != b.Kind {
		return a.Kind == Versioned
	}
	if a.Kind == Repeatable {
		return a.Description < b.Description
	}
	for i := 0; i < len(a.parts) && i < len(b.parts); i++ {
		if c := a.parts[i].Cmp(b.parts[i]); c != 0 {
			return c < 0
		}
	}
	return len(a.parts) < len(b.parts)
}

// Before reports whether versioned migration a comes before b, comparing
// versions numerically ("1.10" after "1.9"). b may come from a history
// table (only Version set).
func Before(a, b Migration) bool {
	if a.parts == nil {
		a.parts, _ = splitVersion(a.Version)
	}
	if b.parts == nil {
		b.parts, _ = splitVersion(b.Version)
	}
	return less(Migration{Kind: Versioned, parts: a.parts}, Migration{Kind: Versioned, parts: b.parts})
}

// checksum is Flyway's: CRC32 over the lines, without line endings.
func checksum(sql []byte) int32 {
	sql = bytes.TrimPrefix(sql, []byte("\xef\xbb\xbf"))
	h := crc32.NewIEEE()
	for _, line := range strings.Split(strings.ReplaceAll(string(sql), "\r\n", "\n"), "\n") {
		h.Write([]byte(strings.TrimSuffix(line, "\r")))
	}
	return int32(h.Sum32())
}

// ContentHash identifies a set of migrations: any change to a name or a
// file's content changes it.
func ContentHash(ms []Migration) string {
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%s\x00%d\x00", m.File, len(m.SQL))
		h.Write(m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ImageTag names the image that holds a set of migrations on AWS
// (Flyway plus the files): it changes exactly when the migrations do.
func ImageTag(ms []Migration) string { return "flyway-" + ContentHash(ms)[:12] }
