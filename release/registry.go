package release

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/homecloud-dev/fullstack/config"
)

// Registry is an OCI registry the release tools talk to: the home
// registry, or ECR's registry endpoint.
type Registry struct {
	// Address is host:port.
	Address string
	// Username and Password authenticate (basic); empty: anonymous.
	Username, Password string
	// PlainHTTP talks HTTP instead of HTTPS (a loopback home registry
	// without TLS, or a stand-in).
	PlainHTTP bool
	// sent counts the request bytes sent to the registry (uploads).
	sent atomic.Int64
}

// Sent is the number of request body bytes sent so far: what was copied.
func (r *Registry) Sent() int64 { return r.sent.Load() }

// Ref is repository@digest in r.
func (r *Registry) Ref(repository, digest string) (name.Digest, error) {
	return name.NewDigest(r.Address+"/"+repository+"@"+digest, r.nameOptions()...)
}

// Tag is repository:tag in r.
func (r *Registry) Tag(repository, tag string) (name.Tag, error) {
	return name.NewTag(r.Address+"/"+repository+":"+tag, r.nameOptions()...)
}

func (r *Registry) nameOptions() []name.Option {
	if r.PlainHTTP {
		return []name.Option{name.Insecure}
	}
	return nil
}

// Options are go-containerregistry's remote options for r.
func (r *Registry) Options(ctx context.Context) []remote.Option {
	var auth authn.Authenticator = authn.Anonymous
	if r.Username != "" {
		auth = &authn.Basic{Username: r.Username, Password: r.Password}
	}
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(auth), remote.WithTransport(&countingTransport{next: http.DefaultTransport, sent: &r.sent})}
}

// Has reports whether r holds repository@digest (false and nil when it
// answers that it does not; an error when it cannot be asked).
func (r *Registry) Has(ctx context.Context, repository, digest string) (bool, error) {
	ref, err := r.Ref(repository, digest)
	if err != nil {
		return false, err
	}
	_, err = remote.Head(ref, r.Options(ctx)...)
	var terr *transport.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound:
		return false, nil
	default:
		return false, fmt.Errorf("registry %s: %w", r.Address, err)
	}
}

// countingTransport counts request body bytes.
type countingTransport struct {
	next http.RoundTripper
	sent *atomic.Int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.ContentLength > 0 {
		t.sent.Add(req.ContentLength)
	}
	return t.next.RoundTrip(req)
}

// HomeRegistry is the on-prem registry at address (a release's Registry,
// or the stack's registry_address) as the home server reaches it: plain
// HTTP unless it serves TLS, and the deploy's push credentials
// (TF_VAR_onprem_registry_username/password) when it has htpasswd.
func HomeRegistry(o config.OnPrem, address string, getenv func(string) string) *Registry {
	r := &Registry{Address: address, PlainHTTP: !o.Registry.TLS.Enabled()}
	if o.Registry.HTPasswd {
		r.Username = getenv("TF_VAR_" + config.RegistryUserVariable)
		r.Password = getenv("TF_VAR_" + config.RegistryPasswordVariable)
	}
	return r
}
