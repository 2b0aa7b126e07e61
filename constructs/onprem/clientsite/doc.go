// Package clientsite serves a front end's static build on the home
// server: an nginx image built from the build output and pushed to
// <registry>/site/<app>, running with a configuration rendered by
// NginxConfig, /api/ proxied to its API's container.
package clientsite
