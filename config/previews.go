package config

import (
	"fmt"
	"path/filepath"

	"github.com/homecloud-dev/fullstack/naming"
)

// PreviewsDirectory holds one folder per preview (PreviewDirectory) under
// the on-prem state directory.
func (o OnPrem) PreviewsDirectory(override string) (string, error) {
	dir, err := o.StateDirectory(override)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "previews"), nil
}

// PreviewDirectory is preview n's folder: its Terraform state, its record
// and its database passwords.
func (o OnPrem) PreviewDirectory(override string, n int) (string, error) {
	dir, err := o.PreviewsDirectory(override)
	if err != nil {
		return "", err
	}
	return PreviewFolder(dir, n), nil
}

// PreviewFolder is preview n's folder in previewsDir (PreviewsDirectory).
func PreviewFolder(previewsDir string, n int) string {
	return filepath.Join(previewsDir, naming.PreviewEnvironment(n))
}

// CheckPreviewNumber says what is wrong with n as a pull request number.
func CheckPreviewNumber(n int) error {
	if n < 1 || n > naming.MaxPreviewNumber {
		return fmt.Errorf("preview %d: a pull request number is 1-%d", n, naming.MaxPreviewNumber)
	}
	return nil
}
