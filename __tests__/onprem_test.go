package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/browsercheck"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/standins"
)

// TestOnPremDeploysForReal deploys the repository's project with the real
// cdktf CLI, Terraform and the docker and postgresql providers to a
// private Docker engine holding stand-ins for the public images, uses it,
// changes it and tears it down. The steps of one deployment depend on
// each other, so they run in order; a second project on the same engine
// runs its own steps beside them (checkSecondProject).
func TestOnPremDeploysForReal(t *testing.T) {
	if err := harness.CanStartDockerEngine(); err != nil {
		if os.Geteuid() != 0 {
			t.Skipf("%v: the on-prem deploy runs only as root (docs/testing.md: what runs where)", err)
		}
		t.Fatal(err)
	}
	// It owns the one private Docker engine; the emulator suites, which
	// need none, run beside it.
	t.Parallel()
	cache, err := harness.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	engine, err := harness.StartDockerEngine(cache)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("figure: dockerd start %s", time.Since(start).Round(time.Millisecond))
	defer engine.Stop()
	timings, err := standins.Build(engine, cache, testLog{t})
	for _, tm := range timings {
		t.Logf("figure: stand-in %s built=%v %s", tm.Image, tm.Built, tm.Duration.Round(time.Millisecond))
	}
	if err != nil {
		t.Fatal(err)
	}
	d := newOnPremDeployment(t, engine)
	d.alerts = startAlertReceiver(t)
	d.Settings.Webhook, d.Settings.WebhookCA = d.alerts.URL, d.alerts.CA
	d.bucket = startOffsiteBucket(t, d)
	d.Checkout()
	defer func() {
		if err := engine.RemoveLabelled(d.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}()

	t.Logf("figure: first deploy %s", d.MustDeploy().Round(time.Second))

	t.Run("preflight passes against the deployed stack (its own ports)", func(t *testing.T) {
		if out, code := d.Preflight(); code != 0 {
			t.Errorf("preflight after a deploy: exit %d\n%s", code, out)
		}
	})

	t.Run("registry holds the images that run", func(t *testing.T) {
		reg := "http://127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort)
		_, catalog, _ := httpGet(t, "GET", reg+"/v2/_catalog", "")
		for _, repo := range []string{"api/notes-api", "site/notes-web"} {
			if !strings.Contains(catalog, `"`+repo+`"`) {
				t.Errorf("catalog %s lacks %s", catalog, repo)
			}
		}
		for _, c := range []struct{ container, repo string }{{"notes-api", "api/notes-api"}, {"notes-web", "site/notes-web"}} {
			tag := d.runningTag(c.container)
			_, _, digest := httpGet(t, "HEAD", reg+"/v2/"+c.repo+"/manifests/"+tag, "Docker-Content-Digest",
				"Accept", "application/vnd.docker.distribution.manifest.v2+json")
			running := d.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", d.Docker("inspect", "--format", "{{.Image}}", d.AppContainer(c.container)))
			if digest == "" || !strings.Contains(running, c.repo+"@"+digest) {
				t.Errorf("%s runs tag %s (digests %s), the registry holds %q for it", c.container, tag, running, digest)
			}
		}
	})

	api := "http://127.0.0.1:" + strconv.Itoa(d.Settings.APIPort)
	site := "http://127.0.0.1:" + strconv.Itoa(d.Settings.SitePort)
	t.Run("the API answers through its published port", func(t *testing.T) {
		if code, body, _ := httpGet(t, "GET", api+"/healthz", ""); code != 200 {
			t.Errorf("GET /healthz: %d %s", code, body)
		}
		req := exec.Command("curl", "-s", "-f", "-X", "POST", "-H", "Content-Type: application/json", "-d", `{"title":"kept","body":"across deploys"}`, api+"/api/notes")
		if out, err := req.CombinedOutput(); err != nil || !strings.Contains(string(out), `"title":"kept"`) {
			t.Errorf("POST /api/notes: %v %s", err, out)
		}
	})

	t.Run("logs prints the API's own lines from the engine, with their times", func(t *testing.T) {
		out, code := d.run(2*time.Minute, nil, fullstackCLI(d.t), "logs", "-app", "notes-api", "-since", "1h")
		if code != 0 || !strings.Contains(out, `"msg":"listening"`) {
			t.Fatalf("logs -app notes-api (exit %d):\n%s", code, tailOf(out))
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if stamp, _, _ := strings.Cut(line, " "); !strings.HasPrefix(line, "logs:") {
				if _, err := time.Parse(time.RFC3339Nano, stamp); err != nil {
					t.Errorf("a line without its time: %q", line)
				}
			}
		}
		if out, code := d.run(time.Minute, nil, fullstackCLI(d.t), "logs", "-app", "nope"); code == 0 || !strings.Contains(out, `-app "nope": is not an app of`) {
			t.Errorf("an unknown app (exit %d):\n%s", code, out)
		}
	})

	t.Run("the site serves index, deep links and /api/", func(t *testing.T) {
		index, _ := os.ReadFile(filepath.Join(repoRoot, "apps/notes-web/index.html"))
		for _, path := range []string{"/", "/notes/42"} {
			if code, body, _ := httpGet(t, "GET", site+path, ""); code != 200 || body != string(index) {
				t.Errorf("GET %s: %d, want index.html", path, code)
			}
		}
		if code, body, _ := httpGet(t, "GET", site+"/api/notes", ""); code != 200 || !strings.Contains(body, `"title":"kept"`) {
			t.Errorf("GET /api/notes through nginx: %d %s", code, body)
		}
	})

	t.Run("a browser renders the site: the note written through the API, on / and a deep link, no console error", func(t *testing.T) {
		// FULLSTACK_SITE_SCREENSHOT keeps the picture (docs/img/home-site.png).
		shot := os.Getenv("FULLSTACK_SITE_SCREENSHOT")
		if shot == "" {
			shot = filepath.Join(t.TempDir(), "home-site.png")
		}
		if err := browsercheck.Check(context.Background(), 60*time.Second,
			browsercheck.Page{URL: site + "/", Visible: "#notes li", Text: "kept", Screenshot: shot},
			browsercheck.Page{URL: site + "/notes/42", Visible: "#notes li", Text: "kept"},
		); err != nil {
			t.Error(err)
		}
	})

	t.Run("the owner role logs in and every migration is applied", func(t *testing.T) {
		ctx := context.Background()
		if c, err := pgx.Connect(ctx, d.DSN("notes_api", "wrong-password-123")); err == nil {
			c.Close(ctx)
			t.Error("a wrong password was accepted")
		}
		conn, err := pgx.Connect(ctx, d.DSN("notes_api", onPremAppPassword))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var applied int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM flyway_schema_history WHERE success").Scan(&applied); err != nil {
			t.Fatal(err)
		}
		ms, err := flyway.Load(filepath.Join(repoRoot, "migrations", "notes-api"))
		if err != nil {
			t.Fatal(err)
		}
		if applied != len(ms) {
			t.Errorf("flyway_schema_history has %d successful rows, want %d", applied, len(ms))
		}
	})

	// Two projects on the one engine, side by side: this one's release
	// path and recovery, and a second project's backups, rollouts,
	// monitoring, previews and teardowns. Each runs its own steps in order; they
	// share only the engine and the stand-in images (docs/testing.md).
	t.Run("side by side", func(t *testing.T) {
		t.Run("staging: release, promotion and recovery", func(t *testing.T) {
			t.Parallel()
			t.Run("a failed staging deploy reaches the receiver", func(t *testing.T) {
				since := time.Now()
				out, code := d.run(2*time.Minute, nil, fullstackCLI(d.t), "release", "-commit", "feedface", "-notify-failure", "the staging deploy of feedface failed")
				if code != 0 {
					t.Fatalf("release -notify-failure: exit %d\n%s", code, out)
				}
				d.alerts.mustArrive(t, since, time.Minute, "firing", "DeployFailed", map[string]string{"instance": "feedface", "target": "staging"})
			})

			// Changes the API's source (release 2); the next step checks out afresh.
			t.Run("a passing staging deploy is released, promoted and rolled back", func(t *testing.T) { checkReleasePromotion(t, d) })

			t.Run("a fresh checkout deploys from the same state", func(t *testing.T) {
				d.Checkout()
				if _, err := os.Stat(d.Out); !os.IsNotExist(err) {
					t.Fatalf("the checkout kept %s", d.Out)
				}
				d.MustDeploy()
				assertNoChanges(t, d)
			})

			t.Run("two deploys at once: one applies, the other is refused by the lock", func(t *testing.T) { checkConcurrentDeploys(t, d) })

			t.Run("backups go off-site, the drill catches a bad one, and staging comes back from the bucket alone", func(t *testing.T) { checkOffsiteRecovery(t, d, api) })
		})
		t.Run("a second project: refusals, backups, rollouts, monitoring, previews and teardown", func(t *testing.T) {
			t.Parallel()
			checkSecondProject(t, engine)
		})
	})

	t.Run("after an engine restart everything serves again and plans clean", func(t *testing.T) { checkEngineRestart(t, d) })
}

// assertNoChanges plans the deployed stack: Terraform must see nothing to do.
func assertNoChanges(t *testing.T, d *onPremDeployment) {
	t.Helper()
	changes, err := d.terraform().PlannedChanges()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		t.Errorf("planned change after a deploy: %s %s", c.Address, c.What)
	}
}

// testLog sends progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
