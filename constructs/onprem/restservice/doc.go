// Package restservice runs an api or model app on the home server: it
// builds the image from the app's Dockerfile, pushes it to the local
// registry under <registry>/<namespace>/<app>, pulls it back and runs it on
// the platform network after its database's migrations.
package restservice
