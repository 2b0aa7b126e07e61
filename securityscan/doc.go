// Package securityscan scans synthesized stacks with Trivy's Terraform
// misconfiguration checks and holds each finding against the list of
// accepted ones (security/accepted-findings.yaml), each with its reason.
// Any finding that is not accepted fails the scan; an acceptance that no
// longer matches anything is reported, so the list stays honest.
//
// Trivy is used as a program (it is built by scripts/setup into the tools
// cache, see TrivyPath): its module cannot be a dependency of this one.
package securityscan
