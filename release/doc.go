// Package release is the record of what staging proved: for each app the
// image digest pushed to the home registry, the migrations (their Flyway
// checksums and the migration image's digest) and the site's files, with
// the commit, the time and the checks that passed. A successful staging
// deploy writes it (cmd/fullstack/release), cmd/fullstack/promote copies its digests to ECR,
// and the cloud stack deploys exactly those digests.
//
// A manifest and every image it names are signed in Sigstore/cosign's
// format with a key pair (signing.go, imagesig.go): the private key stays
// on the release runner, the public keys are in the repository
// (release.public_keys). Promote, the production job, the cloud synth and
// rollback each verify before they act, and `cosign verify` /
// `cosign verify-blob` accept the same signatures. Pure Go: no jsii.
package release
