package standins

import (
	"os"
	"testing"

	"github.com/homecloud-dev/fullstack/internal/harness"
)

func TestTryBuild(t *testing.T) {
	cache, _ := harness.CacheDir()
	e, err := harness.StartDockerEngine(cache)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	tm, err := Build(e, cache, os.Stdout)
	for _, x := range tm {
		t.Logf("%s built=%v %s", x.Image, x.Built, x.Duration)
	}
	if err != nil {
		t.Fatal(err)
	}
}
