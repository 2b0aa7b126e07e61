// Command testreport reads `go test -json` on stdin, prints what plain
// `go test` would (a failed test's output, each package's result) plus
// every passing test's "figure:" lines, and ends with where the time
// went: each package, and the slowest tests and subtests.
// The test command pipes its suites through it, so every run's log
// carries its own breakdown (docs/testing.md).
//
//	go test -json ./... | go run ./internal/testreport [-top 30] [-json saved.json]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// timing is a finished package or test.
type timing struct {
	name    string
	seconds float64
	action  string
}

func main() {
	top := flag.Int("top", 30, "how many of the slowest tests to list")
	save := flag.String("json", "", "also write the raw events to this file")
	flag.Parse()
	var raw io.Writer = io.Discard
	if *save != "" {
		f, err := os.Create(*save)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		raw = f
	}
	packages, tests, err := read(os.Stdin, os.Stdout, raw)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	report(os.Stdout, packages, tests, *top)
}

// read prints each failed test's output, each passing test's figures and
// the packages' own lines, and collects the elapsed times.
func read(in io.Reader, out, raw io.Writer) (packages, tests []timing, err error) {
	held := map[string][]string{} // a running test's output, by package and test
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		fmt.Fprintf(raw, "%s\n", line)
		var e event
		if json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(out, "%s\n", line) // not an event (a build error): pass it on
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output" || e.Action == "output" && e.Test == "":
			fmt.Fprint(out, e.Output)
		case e.Action == "output":
			held[key] = append(held[key], e.Output)
		case e.Action == "pass" || e.Action == "fail" || e.Action == "skip":
			for _, o := range held[key] {
				if e.Action == "fail" || strings.Contains(o, "figure:") {
					fmt.Fprint(out, o)
				}
			}
			delete(held, key)
			t := timing{seconds: e.Elapsed, action: e.Action}
			if e.Test == "" {
				t.name = e.Package
				packages = append(packages, t)
			} else {
				t.name = strings.TrimPrefix(e.Package, "github.com/homecloud-dev/fullstack/") + " " + e.Test
				tests = append(tests, t)
			}
		}
	}
	// A test that never ended (a timeout's panic, a crash): all it said.
	for key, lines := range held {
		fmt.Fprintf(out, "--- %s did not finish:\n%s", key, strings.Join(lines, ""))
	}
	return packages, tests, sc.Err()
}

// report prints the breakdown, slowest first.
func report(w io.Writer, packages, tests []timing, top int) {
	slowest := func(ts []timing) {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].seconds > ts[j].seconds })
	}
	slowest(packages)
	slowest(tests)
	fmt.Fprintln(w, "==> where the time went (go test -json)")
	var total float64
	for _, p := range packages {
		total += p.seconds
	}
	fmt.Fprintf(w, "packages: %d, %s summed (they run in parallel, -p)\n", len(packages), duration(total))
	for _, p := range packages {
		if p.seconds >= 1 {
			fmt.Fprintf(w, "  %8s  %s %s\n", duration(p.seconds), p.name, p.action)
		}
	}
	fmt.Fprintf(w, "slowest tests and subtests (of %d):\n", len(tests))
	for i, t := range tests {
		if i == top {
			break
		}
		fmt.Fprintf(w, "  %8s  %s %s\n", duration(t.seconds), t.name, t.action)
	}
}

func duration(seconds float64) string {
	return time.Duration(seconds * float64(time.Second)).Round(100 * time.Millisecond).String()
}
