// Package providers configures the Terraform providers once per stack: aws
// (region, default tags, optional local-emulator mode), docker (host) and
// postgresql (connection, password from a sensitive variable). It also
// relaxes the exact provider versions the prebuilt bindings pin to
// compatible ranges, so newer 5.x/3.x/1.x providers are accepted.
package providers
