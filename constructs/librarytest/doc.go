// Package librarytest holds the construct-level tests: every construct is
// used the way a library caller uses it (props in, construct out), with bad
// and missing props, wired across stacks, and synthesized on its own. They
// share one test binary, so jsii and the provider bindings start once.
package librarytest
