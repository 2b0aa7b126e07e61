package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sigstore/sigstore/pkg/signature/payload"
)

// An image signature is stored as cosign stores it: an OCI image tagged
// sha256-<hex>.sig in the image's repository, one layer per signature,
// each layer a "simple signing" payload naming the digest, with the
// base64 signature in the layer's annotation.
const simpleSigningMediaType types.MediaType = "application/vnd.dev.cosign.simplesigning.v1+json"

// signatureAnnotation holds a layer's base64 signature.
const signatureAnnotation = "dev.cosignproject.cosign/signature"

// SignatureTag is the tag cosign keeps digest's signatures under.
func SignatureTag(digest string) string {
	return strings.Replace(digest, ":", "-", 1) + ".sig"
}

// SignImage signs repository@digest in reg (cosign sign --key, without a
// transparency log). A signature of this key already there is kept as it
// is; other signatures stay beside the new one.
func (s *Signer) SignImage(ctx context.Context, reg *Registry, repository, digest string) error {
	ref, err := reg.Ref(repository, digest)
	if err != nil {
		return err
	}
	existing, err := readSignatures(ctx, reg, repository, digest)
	if err != nil {
		return err
	}
	if existing != nil {
		if _, err := verifySignatureImage(existing, s.own(), digest); err == nil {
			return nil
		}
	}
	body, err := payload.Cosign{Image: ref}.MarshalJSON()
	if err != nil {
		return err
	}
	sig, err := s.SignBlob(body)
	if err != nil {
		return err
	}
	base := existing
	if base == nil {
		base = mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	}
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:       static.NewLayer(body, simpleSigningMediaType),
		Annotations: map[string]string{signatureAnnotation: string(sig)},
	})
	if err != nil {
		return err
	}
	tag, err := reg.Tag(repository, SignatureTag(digest))
	if err != nil {
		return err
	}
	if err := remote.Write(tag, img, reg.Options(ctx)...); err != nil {
		return fmt.Errorf("write the signature %s: %w", tag, err)
	}
	return nil
}

// VerifyImage checks that repository@digest in reg carries a signature by
// one of keys over a payload naming that digest (cosign verify --key). It
// returns the key's name.
func VerifyImage(ctx context.Context, reg *Registry, repository, digest string, keys TrustedKeys) (string, error) {
	img, err := readSignatures(ctx, reg, repository, digest)
	if err != nil {
		return "", err
	}
	if img == nil {
		return "", fmt.Errorf("%s/%s@%s is not signed: no %s in the registry (releases are signed by cmd/fullstack/release on the release runner)", reg.Address, repository, digest, SignatureTag(digest))
	}
	name, err := verifySignatureImage(img, keys, digest)
	if err != nil {
		return "", fmt.Errorf("%s/%s@%s: %w", reg.Address, repository, digest, err)
	}
	return name, nil
}

// readSignatures is the signature image of digest, or nil when there is
// none.
func readSignatures(ctx context.Context, reg *Registry, repository, digest string) (v1.Image, error) {
	tag, err := reg.Tag(repository, SignatureTag(digest))
	if err != nil {
		return nil, err
	}
	img, err := remote.Image(tag, reg.Options(ctx)...)
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry %s: read %s: %w", reg.Address, tag, err)
	}
	return img, nil
}

// verifySignatureImage accepts the first layer whose signature verifies
// with keys and whose payload names digest.
func verifySignatureImage(img v1.Image, keys TrustedKeys, digest string) (string, error) {
	manifest, err := img.Manifest()
	if err != nil {
		return "", err
	}
	layers, err := img.Layers()
	if err != nil {
		return "", err
	}
	var problems []string
	for i, desc := range manifest.Layers {
		sig, ok := desc.Annotations[signatureAnnotation]
		if !ok || desc.MediaType != simpleSigningMediaType || i >= len(layers) {
			problems = append(problems, fmt.Sprintf("layer %d is not a cosign signature", i))
			continue
		}
		rc, err := layers[i].Compressed()
		if err != nil {
			return "", err
		}
		body, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return "", err
		}
		name, err := keys.VerifyBlob(body, []byte(sig))
		if err != nil {
			problems = append(problems, fmt.Sprintf("layer %d: %v", i, err))
			continue
		}
		var claim payload.SimpleContainerImage
		if err := json.Unmarshal(body, &claim); err != nil || claim.Critical.Type != payload.CosignSignatureType {
			problems = append(problems, fmt.Sprintf("layer %d: the signed payload is not a cosign image claim", i))
			continue
		}
		if claim.Critical.Image.DockerManifestDigest != digest {
			problems = append(problems, fmt.Sprintf("layer %d: signed for %s, not this digest", i, claim.Critical.Image.DockerManifestDigest))
			continue
		}
		return name, nil
	}
	if len(problems) == 0 {
		problems = append(problems, "the signature image has no layers")
	}
	return "", fmt.Errorf("no valid signature: %s", strings.Join(problems, "; "))
}

// CopySignatures copies digest's signature image from src/repository to
// dst/targetRepository (cosign copy), unless dst already holds signatures
// that verify with keys; either way dst's signature is verified last.
func CopySignatures(ctx context.Context, src *Registry, repository, digest string, dst *Registry, targetRepository string, keys TrustedKeys) error {
	if have, err := readSignatures(ctx, dst, targetRepository, digest); err != nil {
		return err
	} else if have != nil {
		if _, err := verifySignatureImage(have, keys, digest); err == nil {
			return nil
		}
	}
	img, err := readSignatures(ctx, src, repository, digest)
	if err != nil {
		return err
	}
	if img == nil {
		return fmt.Errorf("%s/%s@%s is not signed", src.Address, repository, digest)
	}
	tag, err := dst.Tag(targetRepository, SignatureTag(digest))
	if err != nil {
		return err
	}
	if err := remote.Write(tag, img, dst.Options(ctx)...); err != nil {
		return fmt.Errorf("write the signature %s: %w", tag, err)
	}
	_, err = VerifyImage(ctx, dst, targetRepository, digest, keys)
	return err
}
