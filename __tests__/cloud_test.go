package tests

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// One emulator serves every test of this binary.
var (
	emulatorOnce sync.Once
	emulator     *harness.Emulator
	emulatorErr  error
	emulatorDir  string
)

func sharedEmulator(t *testing.T) *harness.Emulator {
	t.Helper()
	emulatorOnce.Do(func() {
		emulatorDir, emulatorErr = os.MkdirTemp("", "moto-")
		if emulatorErr == nil {
			emulator, emulatorErr = harness.StartEmulator(emulatorDir)
		}
	})
	if emulatorErr != nil {
		t.Fatal(emulatorErr)
	}
	return emulator
}

func stopSharedEmulator() {
	if emulator != nil {
		emulator.Stop()
	}
	if emulatorDir != "" {
		os.RemoveAll(emulatorDir)
	}
}

// loadRepoProject loads the project file shipped in the repository, the
// one the README's main command deploys.
func loadRepoProject(t *testing.T) *config.Project {
	t.Helper()
	p, err := config.Load(filepath.Join(repoRoot, config.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCloudStackValidatesAgainstRealProvider runs terraform init and
// validate on the cloud stack as it would deploy to real AWS.
func TestCloudStackValidatesAgainstRealProvider(t *testing.T) {
	out, err := synth.Project(loadRepoProject(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tf := &harness.Terraform{Dir: out.Stacks["cloud"].Dir, CLIConfig: harness.CLIConfigT(t)}
	if err := tf.Init(); err != nil {
		t.Fatal(err)
	}
	if err := tf.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestCloudStackOnEmulator applies the cloud stack to the local AWS
// emulator, requires a second plan with no changes, and destroys it.
func TestCloudStackOnEmulator(t *testing.T) {
	emu := sharedEmulator(t)
	p := loadRepoProject(t)
	p.Cloud.Emulator.Endpoint = emu.Endpoint
	out, err := synth.Project(p, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tf := &harness.Terraform{Dir: out.Stacks["cloud"].Dir, CLIConfig: harness.CLIConfigT(t)}
	if err := tf.Init(); err != nil {
		t.Fatal(err)
	}
	applied := false
	t.Cleanup(func() {
		if applied { // leave nothing behind in the shared emulator
			if err := tf.Destroy(); err != nil {
				t.Errorf("destroy after failure: %v", err)
			}
		}
	})
	start := time.Now()
	applied = true
	if err := tf.Apply(); err != nil {
		t.Fatal(err)
	}
	t.Logf("emulator apply of the cloud stack: %s", time.Since(start).Round(time.Millisecond))

	outs, err := tf.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := outs["vpc_id"].(string); len(id) < 5 || id[:4] != "vpc-" {
		t.Errorf("vpc_id output = %v, want a VPC id", outs["vpc_id"])
	}
	if outs["vpc_cidr"] != p.Cloud.VPCCIDR {
		t.Errorf("vpc_cidr output = %v, want %s", outs["vpc_cidr"], p.Cloud.VPCCIDR)
	}

	changed, plan, err := tf.PlanChanges()
	if err != nil {
		t.Fatal(err)
	}
	if changed {
		t.Fatalf("second plan is not clean (perpetual drift):\n%s", plan)
	}

	if err := tf.Destroy(); err != nil {
		t.Fatal(err)
	}
	applied = false
	state, err := tf.Run("state", "list")
	if err != nil {
		t.Fatal(err)
	}
	if state.Output != "" {
		t.Errorf("resources left in state after destroy:\n%s", state.Output)
	}
}
