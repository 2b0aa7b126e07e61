// Package statebackend builds the remote Terraform state: an S3 bucket
// (versioned, encrypted, public access blocked, TLS-only) and a DynamoDB
// lock table.
//
// Locking uses DynamoDB rather than S3's native lock file: the pinned cdktf
// (0.20) S3 backend has no use_lockfile setting, DynamoDB locking works with
// every Terraform the bindings support, and (in the local emulator) lock
// files leave delete markers that keep a versioned bucket from being
// destroyed.
package statebackend
