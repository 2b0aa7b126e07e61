// Package release is the record of what staging proved: for each app the
// image digest pushed to the home registry, the migrations (their Flyway
// checksums and the migration image's digest) and the site's files, with
// the commit, the time and the checks that passed. A successful staging
// deploy writes it (cmd/release), cmd/promote copies its digests to ECR,
// and the cloud stack deploys exactly those digests.
//
// A manifest is sealed with a key that only the home server holds (in the
// on-prem state directory): promote refuses a manifest no successful
// staging deploy of that server wrote. Pure Go: no jsii.
package release
