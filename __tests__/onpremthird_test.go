package tests

import (
	"strconv"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/release"
)

// checkThirdProject deploys a third project, with an off-site bucket,
// onto the engine beside the other two and runs the steps that mostly
// wait (for alerts, for a rollout to time out, for restic): the
// monitoring and its alerts, a release that never turns healthy, and the
// way back from the bucket alone.
func checkThirdProject(t *testing.T, engine *harness.DockerEngine) {
	d := newOnPremDeployment(t, engine, true)
	api := "http://127.0.0.1:" + strconv.Itoa(d.Settings.APIPort)
	t.Logf("figure: first deploy of the third project %s", d.MustDeploy().Round(time.Second))
	if code, body := postNote(t, api, "kept"); code != 201 && code != 200 {
		t.Fatalf("POST a note: %d %s", code, body)
	}
	// A signed release in the state directory: the recovery from the
	// bucket must bring it back.
	signing := []string{release.PasswordVariable + "=" + signingPassword}
	for _, args := range [][]string{{"release", "-generate-key"}, {"release", "-commit", "3333333333333333", "-ref", "refs/heads/main"}} {
		if out, code := d.run(3*time.Minute, signing, fullstackCLI(d.t), args...); code != 0 {
			t.Fatalf("fullstack %v: exit %d\n%s", args, code, tailOf(out))
		}
	}

	t.Run("the monitoring probes everything and alerts", func(t *testing.T) { checkHomeMonitoring(t, d) })

	t.Run("a release that never turns healthy fails the deploy and the old one keeps serving", func(t *testing.T) { checkBadReleaseKeepsServing(t, d) })

	t.Run("backups go off-site, the drill catches a bad one, and the project comes back from the bucket alone", func(t *testing.T) { checkOffsiteRecovery(t, d, api) })
}
