package release

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Copied is what Copy did with one image.
type Copied struct {
	// Present: the target already held the digest; nothing was sent.
	Present bool
	// Bytes is what was uploaded for this image.
	Bytes int64
}

// Copy copies repository@digest from src to dst's targetRepository, tagged
// tag, unless dst already holds that digest. The copy is by digest: the
// target's manifest digest is checked to be the source's.
func Copy(ctx context.Context, src *Registry, repository, digest string, dst *Registry, targetRepository, tag string) (Copied, error) {
	present, err := dst.Has(ctx, targetRepository, digest)
	if err != nil {
		return Copied{}, err
	}
	if present {
		return Copied{Present: true}, nil
	}
	from, err := src.Ref(repository, digest)
	if err != nil {
		return Copied{}, err
	}
	to, err := dst.Tag(targetRepository, tag)
	if err != nil {
		return Copied{}, err
	}
	desc, err := remote.Get(from, src.Options(ctx)...)
	if err != nil {
		return Copied{}, fmt.Errorf("read %s: %w", from, err)
	}
	before := dst.Sent()
	if desc.MediaType.IsIndex() {
		idx, ierr := desc.ImageIndex()
		if ierr != nil {
			return Copied{}, ierr
		}
		// err, not a shadow of it: a failed index write must stop here.
		err = remote.WriteIndex(to, idx, dst.Options(ctx)...)
	} else {
		img, err2 := desc.Image()
		if err2 != nil {
			return Copied{}, err2
		}
		err = remote.Write(to, img, dst.Options(ctx)...)
	}
	if err != nil {
		return Copied{}, fmt.Errorf("write %s: %w", to, err)
	}
	got, err := remote.Head(to, dst.Options(ctx)...)
	if err != nil {
		return Copied{}, fmt.Errorf("read back %s: %w", to, err)
	}
	if got.Digest.String() != digest {
		return Copied{}, fmt.Errorf("%s has digest %s after the copy, want %s", to, got.Digest, digest)
	}
	return Copied{Bytes: dst.Sent() - before}, nil
}
