// Package providers holds what every target's provider package shares:
// the compatible version ranges that replace the exact pins of the prebuilt
// bindings (so newer 5.x/3.x/1.x providers are accepted) and the sensitive
// variables secrets come from. It links only the cdktf core, no provider
// bindings; the providers themselves are cloud/awsprovider,
// onprem/dockerprovider and onprem/postgresqlprovider.
package providers
