// Package restservice deploys an api or model app: on the home server
// (NewOnPrem) it builds the image from the app's Dockerfile, pushes it to
// the local registry under <registry>/<namespace>/<app>, pulls it back and
// runs it on the platform network after its migrations.
package restservice
