package release

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Releases are signed in Sigstore/cosign's key-pair format, so that the
// standard CLI checks them too:
//
//	cosign verify-blob --key cosign.pub --signature release.json.sig --insecure-ignore-tlog release.json
//	cosign verify --key cosign.pub --insecure-ignore-tlog <registry>/<repository>@<digest>
//
// The private key is cosign's encrypted PEM ("ENCRYPTED SIGSTORE PRIVATE
// KEY", scrypt + secretbox), ECDSA P-256; the public key is a PKIX PEM.
// Nothing is sent to a transparency log: the trust is the key pair.

// PrivateKeyFile is the signing key's file name in the on-prem state
// directory (the home server's release runner), unless
// FULLSTACK_SIGNING_KEY names another path.
const PrivateKeyFile = "cosign.key"

// PasswordVariable holds the private key's password, as for cosign.
const PasswordVariable = "COSIGN_PASSWORD"

// SignatureSuffix is appended to a manifest's path for its signature
// (cosign verify-blob's --signature file: base64 of the signature).
const SignatureSuffix = ".sig"

// ErrNoSigningKey is returned (wrapped) when the private key is missing.
var ErrNoSigningKey = errors.New("no signing key")

// Signer signs releases and images with the private key.
type Signer struct {
	sv *signature.ECDSASignerVerifier
	// Path is the key file it was read from.
	Path string
}

// PrivateKeyPath is where the signing key is: $FULLSTACK_SIGNING_KEY, or
// <stateDir>/cosign.key.
func PrivateKeyPath(stateDir string, getenv func(string) string) string {
	if p := getenv("FULLSTACK_SIGNING_KEY"); p != "" {
		return p
	}
	return filepath.Join(stateDir, PrivateKeyFile)
}

// GenerateKeyPair writes a new key pair: the encrypted private key to
// privatePath (0600) and the public key to publicPath (0644). It refuses
// to replace either file: a lost or replaced key is a rotation, which the
// operator does on purpose (docs/releases.md).
func GenerateKeyPair(privatePath, publicPath string, password []byte) error {
	for _, p := range []string{privatePath, publicPath} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s exists: a key pair is never replaced; to rotate, move it away first (docs/releases.md, Rotating the signing key)", p)
		}
	}
	if password == nil {
		password = []byte{}
	}
	priv, pub, err := cryptoutils.GeneratePEMEncodedECDSAKeyPair(elliptic.P256(), func(bool) ([]byte, error) { return password, nil })
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(privatePath), 0o700); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(publicPath), 0o755); err != nil {
		return err
	}
	if err := writeNew(privatePath, priv, 0o600); err != nil {
		return err
	}
	if err := writeNew(publicPath, pub, 0o644); err != nil {
		os.Remove(privatePath)
		return err
	}
	return nil
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// LoadSigner reads the encrypted private key at path. A missing key is
// ErrNoSigningKey with what to do; a new key is never made here.
func LoadSigner(path string, password []byte) (*Signer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: restore it from your backup of the key (with its password in %s), "+
			"or rotate: `go run ./cmd/fullstack release -generate-key`, commit the new public key and add it to release.public_keys "+
			"(releases signed by the old key verify only while its public key stays listed)", ErrNoSigningKey, path, PasswordVariable)
	}
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	if password == nil {
		password = []byte{}
	}
	key, err := cryptoutils.UnmarshalPEMToPrivateKey(data, func(bool) ([]byte, error) { return password, nil })
	if err != nil {
		return nil, fmt.Errorf("signing key %s: cannot decrypt it with %s (%v)", path, PasswordVariable, err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: %T, want an ECDSA key (cosign generate-key-pair makes one)", path, key)
	}
	sv, err := signature.LoadECDSASignerVerifier(ec, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	return &Signer{sv: sv, Path: path}, nil
}

// SignBlob is data's signature as cosign sign-blob writes it (base64).
func (s *Signer) SignBlob(data []byte) ([]byte, error) {
	sig, err := s.sv.SignMessage(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return []byte(base64.StdEncoding.EncodeToString(sig)), nil
}

// own is the signer's key as the one trusted key.
func (s *Signer) own() TrustedKeys { return TrustedKeys{{Name: s.Path, verifier: s.sv}} }

// PublicKeyPEM is the signer's public key.
func (s *Signer) PublicKeyPEM() ([]byte, error) {
	pub, err := s.sv.PublicKey()
	if err != nil {
		return nil, err
	}
	return cryptoutils.MarshalPublicKeyToPEM(pub)
}

// TrustedKey is one public key releases may be signed with.
type TrustedKey struct {
	// Name says where it came from (release.public_keys[i] and the path).
	Name     string
	verifier signature.Verifier
	pem      []byte
}

// TrustedKeys are the public keys a release may be signed with (several
// during a rotation).
type TrustedKeys []TrustedKey

// LoadTrustedKeys reads the public keys at paths; field names the
// setting (e.g. release.public_keys) in errors. Every problem at once.
func LoadTrustedKeys(field string, paths []string) (TrustedKeys, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s is empty: no release can be verified; generate a key pair with `go run ./cmd/fullstack release -generate-key` and list its public key", field)
	}
	var keys TrustedKeys
	var errs []error
	for i, p := range paths {
		name := fmt.Sprintf("%s[%d] %s", field, i, p)
		data, err := os.ReadFile(p)
		if err != nil {
			hint := ""
			if errors.Is(err, os.ErrNotExist) {
				hint = ": generate a key pair with `go run ./cmd/fullstack release -generate-key` (on the release runner) and commit the public key it writes"
			}
			errs = append(errs, fmt.Errorf("%s: %w%s", name, err, hint))
			continue
		}
		k, err := ParsePublicKey(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		keys = append(keys, k)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return keys, nil
}

// ParsePublicKey reads one PEM public key (cosign.pub).
func ParsePublicKey(name string, data []byte) (TrustedKey, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(data)
	if err != nil {
		return TrustedKey{}, fmt.Errorf("%s: not a PEM public key (%v)", name, err)
	}
	v, err := signature.LoadVerifier(pub, crypto.SHA256)
	if err != nil {
		return TrustedKey{}, fmt.Errorf("%s: %w", name, err)
	}
	return TrustedKey{Name: name, verifier: v, pem: data}, nil
}

// VerifyBlob checks a cosign blob signature (base64) of data against
// every trusted key and returns the name of the key that made it.
func (k TrustedKeys) VerifyBlob(data, b64sig []byte) (string, error) {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b64sig)))
	if err != nil || len(sig) == 0 {
		return "", errors.New("the signature is not base64 (a cosign sign-blob signature)")
	}
	for _, key := range k {
		if key.verifier.VerifySignature(bytes.NewReader(sig), bytes.NewReader(data)) == nil {
			return key.Name, nil
		}
	}
	return "", fmt.Errorf("the signature was not made by any trusted key (%s) over these bytes: forged, signed by another key, or changed since it was signed", k.names())
}

func (k TrustedKeys) names() string {
	var n []string
	for _, key := range k {
		n = append(n, key.Name)
	}
	return strings.Join(n, ", ")
}

// ProjectKeys are the project's trusted public keys (release.public_keys).
func ProjectKeys(p *config.Project) (TrustedKeys, error) {
	return LoadTrustedKeys("release.public_keys", p.PublicKeyPaths())
}

// Password is the private key's password from COSIGN_PASSWORD; set but
// empty is an empty password, as for cosign.
func Password(lookupEnv func(string) (string, bool)) ([]byte, error) {
	v, ok := lookupEnv(PasswordVariable)
	if !ok {
		return nil, fmt.Errorf("%s is not set: it decrypts the signing key (export %s= for a key without a password)", PasswordVariable, PasswordVariable)
	}
	return []byte(v), nil
}

// Trusts reports whether the signer's public key is among keys: a signer
// whose key nobody trusts would sign releases that every step refuses.
func (k TrustedKeys) Trusts(s *Signer) error {
	pub, err := s.PublicKeyPEM()
	if err != nil {
		return err
	}
	probe := []byte("fullstack key check")
	sig, err := s.SignBlob(probe)
	if err != nil {
		return err
	}
	if _, err := k.VerifyBlob(probe, sig); err != nil {
		return fmt.Errorf("the signing key %s is not one of release.public_keys (%s): add its public key to the repository and to release.public_keys first:\n%s", s.Path, k.names(), pub)
	}
	return nil
}
