// Package clientsite serves a front end's static build: on the home server
// (NewOnPrem) as an nginx image built from the build output and pushed to
// <registry>/site/<app>, running with a configuration rendered by
// NginxConfig; on AWS from S3 behind CloudFront.
package clientsite
