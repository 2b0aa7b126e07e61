// Package containerregistry builds the cloud container registry: one ECR
// repository per app under its namespace (<project>/api/<app>,
// <project>/site/<app>, <project>/model/<app>), the same namespaces as the
// on-prem registry, with scan on push, immutable tags by default,
// encryption, and a lifecycle policy.
package containerregistry
