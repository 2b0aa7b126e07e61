package release

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the seal key's file in the on-prem state directory. Only the
// home server holds it: a manifest that verifies was written there, by a
// staging deploy whose checks passed.
const KeyFile = "release.key"

const sealPrefix = "hmac-sha256:"

// Key is the home server's seal key.
type Key []byte

// LoadOrCreateKey reads stateDir's key, creating it (32 random bytes,
// mode 0600) on first use.
func LoadOrCreateKey(stateDir string) (Key, error) {
	path := filepath.Join(stateDir, KeyFile)
	if k, err := LoadKey(stateDir); err == nil {
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("release key %s: %w", path, err)
	}
	if _, err := f.WriteString(hex.EncodeToString(raw) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return raw, f.Close()
}

// LoadKey reads stateDir's key.
func LoadKey(stateDir string) (Key, error) {
	path := filepath.Join(stateDir, KeyFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("release key %s: %w", path, err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(raw) < 32 {
		return nil, fmt.Errorf("release key %s: not 32 hex-encoded bytes", path)
	}
	return raw, nil
}

// Sign seals m with k (sets m.Seal).
func (m *Manifest) Sign(k Key) error {
	mac, err := m.mac(k)
	if err != nil {
		return err
	}
	m.Seal = sealPrefix + hex.EncodeToString(mac)
	return nil
}

// Verify checks m's seal against k.
func (m *Manifest) Verify(k Key) error {
	want, err := m.mac(k)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(strings.TrimPrefix(m.Seal, sealPrefix))
	if !strings.HasPrefix(m.Seal, sealPrefix) || err != nil || !hmac.Equal(got, want) {
		return fmt.Errorf("release %s: the seal does not match: it was not written by a passing staging deploy on this home server, or it was changed since", m.ID)
	}
	return nil
}

// mac is the HMAC of the manifest without its seal.
func (m *Manifest) mac(k Key) ([]byte, error) {
	unsealed := *m
	unsealed.Seal = ""
	data, err := unsealed.Encode()
	if err != nil {
		return nil, err
	}
	h := hmac.New(sha256.New, k)
	h.Write(data)
	return h.Sum(nil), nil
}
