package tfstring

import "testing"

func TestLiteral(t *testing.T) {
	for in, want := range map[string]string{
		`data="${DATA_DIR:-/data}"`: `data="$${DATA_DIR:-/data}"`,
		`%{ if x }`:                 `%%{ if x }`,
		`$HOME and $(date)`:         `$HOME and $(date)`,
	} {
		if got := *Literal(in); got != want {
			t.Errorf("Literal(%q) = %q, want %q", in, got, want)
		}
	}
}
