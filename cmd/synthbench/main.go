// Command synthbench measures synthesis: wall time and peak memory of one
// process that synthesizes a generated project with 1, 10 and 30 apps, the
// repository's fullstack.yaml, and the floor (an empty stack that still
// loads the AWS bindings). Each run is a fresh process, as `cdktf synth`
// starts one; figures are the median of -runs.
//
//	go run ./cmd/synthbench [-runs 5] [-apps 1,10,30]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "runs per case")
	apps := flag.String("apps", "1,10,30", "app counts to generate")
	child := flag.String("child", "", "internal: run one case in this process")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := runParent(*runs, *apps); err != nil {
		fmt.Fprintln(os.Stderr, "synthbench:", err)
		os.Exit(1)
	}
}

// childReport is what one child run prints: its own and its node child's
// peak resident memory, and its synthesis time without process start-up.
type childReport struct {
	GoMaxRSSKB   int64 `json:"go_max_rss_kb"`
	NodeMaxRSSKB int64 `json:"node_max_rss_kb"`
	SynthMillis  int64 `json:"synth_ms"`
}

type sample struct {
	wall time.Duration
	rep  childReport
}

func runParent(runs int, appList string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cases := []string{"floor"}
	for _, n := range strings.Split(appList, ",") {
		if _, err := strconv.Atoi(strings.TrimSpace(n)); err != nil {
			return fmt.Errorf("-apps: %q is not a number", n)
		}
		cases = append(cases, "apps:"+strings.TrimSpace(n))
	}
	cases = append(cases, "file:fullstack.yaml")

	fmt.Printf("synthesis benchmark: %d runs per case, median (min-max); one fresh process per run\n", runs)
	fmt.Printf("%-22s %-24s %-12s %-14s %-14s\n", "case", "wall", "synth only", "peak RSS go", "peak RSS node")
	for _, c := range cases {
		var samples []sample
		for i := 0; i < runs; i++ {
			s, err := measure(self, c)
			if err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
			samples = append(samples, s)
		}
		sort.Slice(samples, func(i, j int) bool { return samples[i].wall < samples[j].wall })
		med := samples[len(samples)/2]
		var goPeak, nodePeak int64
		for _, s := range samples {
			goPeak = max(goPeak, s.rep.GoMaxRSSKB)
			nodePeak = max(nodePeak, s.rep.NodeMaxRSSKB)
		}
		fmt.Printf("%-22s %-24s %-12s %-14s %-14s\n", label(c),
			fmt.Sprintf("%s (%s-%s)", secs(med.wall), secs(samples[0].wall), secs(samples[len(samples)-1].wall)),
			secs(time.Duration(med.rep.SynthMillis)*time.Millisecond), mib(goPeak), mib(nodePeak))
	}
	return nil
}

func measure(self, c string) (sample, error) {
	cmd := exec.Command(self, "-child", c)
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%w\n%s", err, errOut.String())
	}
	wall := time.Since(start)
	var rep childReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return sample{}, fmt.Errorf("child report: %w: %s", err, out.String())
	}
	return sample{wall: wall, rep: rep}, nil
}

func label(c string) string {
	switch {
	case c == "floor":
		return "floor (empty stack)"
	case strings.HasPrefix(c, "apps:"):
		return strings.TrimPrefix(c, "apps:") + " apps (generated)"
	}
	return strings.TrimPrefix(c, "file:")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
func mib(kb int64) string         { return fmt.Sprintf("%.0f MiB", float64(kb)/1024) }

func rusage(who int) int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return ru.Maxrss // KiB on Linux
}
