package release

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/config"
)

// SignatureOf is the path of path's signature (cosign verify-blob's
// --signature file).
func SignatureOf(path string) string { return path + SignatureSuffix }

// WriteSigned writes m to path and its signature to path.sig, each
// atomically, the signature last: a reader that finds a signature finds
// the manifest it was made over.
func WriteSigned(path string, m *Manifest, s *Signer) error {
	if err := m.Validate(); err != nil {
		return err
	}
	data, err := m.Encode()
	if err != nil {
		return err
	}
	sig, err := s.SignBlob(data)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(path, data); err != nil {
		return err
	}
	return WriteFileAtomic(SignatureOf(path), append(sig, '\n'))
}

// CopySigned copies a signed manifest and its signature from one path to
// another, byte for byte (the signature is over those bytes), the
// signature last.
func CopySigned(from, to string) error {
	for _, f := range [][2]string{{from, to}, {SignatureOf(from), SignatureOf(to)}} {
		data, err := os.ReadFile(f[0])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(f[1]), 0o755); err != nil {
			return err
		}
		if err := WriteFileAtomic(f[1], data); err != nil {
			return err
		}
	}
	return nil
}

// SaveSigned writes m and its signature to dir/<id>.json(.sig) and
// returns the manifest's path.
func SaveSigned(dir string, m *Manifest, s *Signer) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, m.ID+".json")
	return path, WriteSigned(path, m, s)
}

// LoadVerified reads the manifest at path and its signature at path.sig,
// checks the signature over the file's exact bytes with keys, and only
// then parses it. It returns the manifest and the name of the key that
// signed it; every error names the file.
func LoadVerified(path string, keys TrustedKeys) (*Manifest, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("release %s: %w", path, err)
	}
	sig, err := os.ReadFile(SignatureOf(path))
	if os.IsNotExist(err) {
		return nil, "", fmt.Errorf("release %s is not signed: %s is missing (cmd/fullstack/release writes it beside the manifest)", path, SignatureOf(path))
	}
	if err != nil {
		return nil, "", fmt.Errorf("release %s: %w", path, err)
	}
	key, err := keys.VerifyBlob(data, sig)
	if err != nil {
		return nil, "", fmt.Errorf("release %s: %w", path, err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, "", fmt.Errorf("release %s: %w", path, err)
	}
	return m, key, nil
}

// CheckPromotable loads and verifies the manifest at path for project p:
// signed by a trusted key, of this project, built from the branch that
// releases (cloud.github.branch). Every step that acts on a release
// (promote, the production verification, the cloud synth, rollback)
// calls it first.
func CheckPromotable(p *config.Project, path string, keys TrustedKeys) (*Manifest, error) {
	m, _, err := LoadVerified(path, keys)
	if err != nil {
		return nil, err
	}
	var errs []error
	if m.Project != p.Name {
		errs = append(errs, fmt.Errorf("release %s is of project %q, not %q", m.ID, m.Project, p.Name))
	}
	if want := "refs/heads/" + p.Cloud.GitHub.Branch; m.Source.Ref != want {
		errs = append(errs, fmt.Errorf("release %s was built from %s (run %s): releases come only from %s (cloud.github.branch)", m.ID, m.Source.Ref, m.Source.Run, want))
	}
	return m, errors.Join(errs...)
}

// VerifiedFor loads the project's trusted keys and checks the manifest at
// path with CheckPromotable: what every step that deploys a release
// calls first.
func VerifiedFor(p *config.Project, path string) (*Manifest, TrustedKeys, error) {
	keys, err := ProjectKeys(p)
	if err != nil {
		return nil, nil, err
	}
	m, err := CheckPromotable(p, path, keys)
	return m, keys, err
}
