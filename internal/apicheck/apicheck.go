// Package apicheck holds the library's exported API to its changelog:
// every incompatible change since the last version (as golang.org/x/exp's
// apidiff reports it) must be named, as `package.Name`, under Changed or
// Removed in the Unreleased section of CHANGELOG.md, where its migration
// is written.
package apicheck

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Version is a released version and the commit it is.
type Version struct {
	Number string // e.g. "0.1.0"
	Commit string // 40 hex digits
}

var (
	versionHeading = regexp.MustCompile(`(?m)^## \[([0-9]+\.[0-9]+\.[0-9]+)\]`)
	commitLine     = regexp.MustCompile("(?m)^Commit: `([0-9a-f]{40})`")
)

// LastVersion is the newest version of the changelog (the first after
// Unreleased) and the commit its section names.
func LastVersion(changelog string) (Version, error) {
	m := versionHeading.FindStringSubmatchIndex(changelog)
	if m == nil {
		return Version{}, fmt.Errorf("CHANGELOG.md names no version (a heading \"## [x.y.z] - date\")")
	}
	v := Version{Number: changelog[m[2]:m[3]]}
	section := changelog[m[1]:]
	if next := versionHeading.FindStringIndex(section); next != nil {
		section = section[:next[0]]
	}
	c := commitLine.FindStringSubmatch(section)
	if c == nil {
		return v, fmt.Errorf("CHANGELOG.md: version %s names no commit (a line \"Commit: `<40 hex digits>`\")", v.Number)
	}
	v.Commit = c[1]
	return v, nil
}

// Unreleased is the text of the changelog's Unreleased section.
func Unreleased(changelog string) string {
	_, rest, ok := strings.Cut(changelog, "## [Unreleased]")
	if !ok {
		return ""
	}
	if next := versionHeading.FindStringIndex(rest); next != nil {
		rest = rest[:next[0]]
	}
	return rest
}

// Change is one incompatible change apidiff reports.
type Change struct {
	// Name is package.Name: the package's last path element and the
	// changed identifier's first part (a type for a field or method); a
	// removed package's is its last path element alone.
	Name string
	// Dir is the package's path in the module ("" for its root).
	Dir string
	// Line is apidiff's own line.
	Line string
}

// CommandsDir holds the programs: their contract is the command line
// (docs/cli.md, tested from the real help), not a Go API, so changes
// under it are not API changes.
const CommandsDir = "cmd/"

// Incompatible reads the changes of "apidiff -m -incompatible" output
// (lines "- ./<package path>.<identifier>: <what changed>", or "- package
// <import path>: removed"), leaving out the commands (CommandsDir) of
// module.
func Incompatible(output, module string) []Change {
	var out []Change
	for _, line := range strings.Split(output, "\n") {
		item, ok := strings.CutPrefix(strings.TrimSpace(line), "- ")
		if !ok {
			continue
		}
		if strings.HasPrefix(item, "./"+CommandsDir) || strings.HasPrefix(item, "package "+module+"/"+CommandsDir) {
			continue
		}
		where, _, ok := strings.Cut(item, ": ")
		if !ok {
			continue
		}
		if removed, ok := strings.CutPrefix(where, "package "); ok {
			rel := strings.TrimPrefix(removed, module+"/")
			out = append(out, Change{Name: path.Base(rel), Dir: rel, Line: item})
			continue
		}
		dir, ident := path.Split(strings.TrimPrefix(where, "./"))
		pkg, symbol, ok := strings.Cut(ident, ".")
		if !ok { // the module's root package: "./.Name"
			pkg, symbol = path.Base(strings.TrimSuffix(dir, "/")), ident
		}
		symbol, _, _ = strings.Cut(symbol, ".")
		out = append(out, Change{Name: pkg + "." + symbol, Dir: dir + pkg, Line: item})
	}
	return out
}

// Unnamed are the changes the Unreleased text does not name where a
// break belongs: in backquotes (`rollout.New`, or the start of a longer
// identifier such as `rollout.Props.Port`), under "### Changed" or
// "### Removed". Mentioned under Added, a type's new field does not
// excuse a later break of the type. packages are the module's package
// paths: where two share a last element (constructs/cloud/restservice and
// constructs/onprem/restservice), only a longer path that is one
// package's alone names it (`cloud/restservice.Props`).
func Unnamed(changes []Change, unreleased string, packages []string) []Change {
	breaks := breakingParts(unreleased)
	var out []Change
	for _, c := range changes {
		if !namedIn(breaks, c, packages) {
			out = append(out, c)
		}
	}
	return out
}

// Names are the ways the changelog may name c: package.Name, where the
// package is written as its whole path in the module, or as a trailing
// part of it that no other of packages ends with.
func (c Change) Names(packages []string) []string {
	_, symbol, _ := strings.Cut(c.Name, ".")
	if c.Dir == "" {
		return []string{c.Name}
	}
	var names []string
	parts := strings.Split(c.Dir, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		suffix := strings.Join(parts[i:], "/")
		if i > 0 && sharedSuffix(suffix, c.Dir, packages) {
			continue // the whole path (i == 0) names one package alone
		}
		if symbol == "" { // a removed package
			names = append(names, suffix)
		} else {
			names = append(names, suffix+"."+symbol)
		}
	}
	return names
}

// sharedSuffix: a package of packages other than dir is suffix or ends
// with it.
func sharedSuffix(suffix, dir string, packages []string) bool {
	for _, other := range packages {
		if other != dir && (other == suffix || strings.HasSuffix(other, "/"+suffix)) {
			return true
		}
	}
	return false
}

func namedIn(breaks string, c Change, packages []string) bool {
	for _, name := range c.Names(packages) {
		if regexp.MustCompile("`" + regexp.QuoteMeta(name) + "[`.(]").MatchString(breaks) {
			return true
		}
	}
	return false
}

// breakingParts is the text of the Changed and Removed parts of an
// Unreleased section.
func breakingParts(unreleased string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(unreleased, "\n") {
		if strings.HasPrefix(line, "### ") {
			in = line == "### Changed" || line == "### Removed"
			continue
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
