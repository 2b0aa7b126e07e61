package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	t.Logf("figure: dockerd start %s (with the prune of earlier runs' stale images)", time.Since(start).Round(time.Millisecond))
	// The data root is a cache that outlives runs: what earlier runs built
	// for their own registries (gone with them) must not pile up.
	if stale, err := engine.StaleImages(); err != nil || len(stale) > 0 {
		t.Errorf("the engine kept stale images of earlier runs (%v): %s", err, strings.Join(stale, " "))
	}
	// A cleanup, not a defer: it runs after the deployments' own
	// cleanups, which remove their projects from the engine.
	t.Cleanup(engine.Stop)
	timings, err := standins.Build(engine, cache, testLog{t})
	for _, tm := range timings {
		t.Logf("figure: stand-in %s built=%v %s", tm.Image, tm.Built, tm.Duration.Round(time.Millisecond))
	}
	if err != nil {
		t.Fatal(err)
	}
	d := newOnPremDeployment(t, engine, true)

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

	t.Run("a second deploy with no change is a no-op", func(t *testing.T) {
		start := time.Now()
		d.MustDeploy()
		t.Logf("figure: no-op deploy %s", time.Since(start).Round(time.Second))
		assertNoChanges(t, d)
	})

	t.Run("a wrong superuser password fails the plan, before anything changes", func(t *testing.T) {
		tf := d.terraform()
		tf.Env = append(slices.Clone(tf.Env), "TF_VAR_onprem_postgres_password=not-the-password-1")
		res, err := tf.Run("plan", "-input=false", "-no-color")
		if err == nil || !strings.Contains(oneLine(res.Output), `password authentication failed for user "postgres"`) {
			t.Errorf("plan with a wrong superuser password: %v, want PostgreSQL's refusal:\n%s", err, tailOf(res.Output))
		}
	})

	t.Run("a snapshot and the restore command bring back a deleted image", func(t *testing.T) {
		reg := "http://127.0.0.1:" + strconv.Itoa(d.Settings.RegistryPort)
		d.Docker("exec", d.Name+"-registry-backup", "/usr/local/bin/registry-backup")
		manifest := reg + "/v2/site/notes-web/manifests/" + d.runningTag("notes-web")
		accept := []string{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}
		_, _, digest := httpGet(t, "HEAD", manifest, "Docker-Content-Digest", accept...)
		if code, _, _ := httpGet(t, "DELETE", reg+"/v2/site/notes-web/manifests/"+digest, ""); code != 202 {
			t.Fatalf("DELETE manifest: %d", code)
		}
		if code, _, _ := httpGet(t, "HEAD", manifest, "", accept...); code != 404 {
			t.Fatalf("deleted manifest still answers %d", code)
		}
		var restore string
		d.Output("registry_restore_command", &restore)
		if out, err := exec.Command("sh", "-c", restore).CombinedOutput(); err != nil {
			t.Fatalf("restore command as printed: %v\n%s", err, out)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if code, _, _, _ := fetch("HEAD", manifest, accept...); code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the image did not come back within 30 s of the restore")
			}
			time.Sleep(500 * time.Millisecond)
		}
		if out, err := exec.Command("sh", "-c", restore+" no-such-snapshot.tar.gz").CombinedOutput(); err == nil || !strings.Contains(string(out), "does not exist") {
			t.Errorf("restore of a missing snapshot: %v %s", err, out)
		}
		if state := d.Docker("inspect", "--format", "{{.State.Status}}", d.Name+"-registry"); state != "running" {
			t.Errorf("after a failed restore the registry is %s, want running", state)
		}
	})

	t.Run("a database backup restores a dropped database and refuses a damaged one", func(t *testing.T) {
		backup := d.Name + "-postgres-backup"
		if out, err := engine.Docker("exec", backup, "/usr/local/bin/pg-backup"); err != nil || !strings.Contains(out, "notes_api-") || !strings.Contains(out, "globals-") {
			t.Fatalf("pg-backup: %v\n%s", err, out)
		}
		ctx := context.Background()
		super, err := pgx.Connect(ctx, d.DSN("postgres", onPremSuperPassword))
		if err != nil {
			t.Fatal(err)
		}
		defer super.Close(ctx)
		if _, err := super.Exec(ctx, "DROP DATABASE notes_api WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		var restores map[string]string
		d.Output("postgres_restore_commands", &restores)
		if out, err := exec.Command("sh", "-c", restores["notes-api"]).CombinedOutput(); err != nil {
			t.Fatalf("restore command as printed: %v\n%s", err, out)
		}
		notes := func() string {
			conn, err := pgx.Connect(ctx, d.DSN("notes_api", onPremAppPassword))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var titles string
			if err := conn.QueryRow(ctx, "SELECT string_agg(title, ',') FROM notes").Scan(&titles); err != nil {
				t.Fatal(err)
			}
			return titles
		}
		if got := notes(); got != "kept" {
			t.Errorf("after the restore the notes are %q, want the row written before the backup", got)
		}
		// The app's own role connects to the recreated database again.
		waitFor(t, 30*time.Second, "the API on the restored database", func() bool {
			code, body, _, err := fetch("GET", site+"/api/notes")
			return err == nil && code == 200 && strings.Contains(body, `"title":"kept"`)
		})
		assertNoChanges(t, d) // Terraform sees the same database, owner and grants

		d.Docker("exec", backup, "sh", "-c", "f=$(ls /backup/notes_api-*.dump | tail -n 1); head -c 600 \"$f\" > /backup/damaged.dump")
		for _, c := range []struct{ args, want string }{
			{"notes_api damaged.dump", "damaged or not a pg_dump archive; nothing was changed"},
			{"notes_api missing.dump", "does not exist; nothing was changed"},
			{"no_such_app", "is not an app database of this stack"},
		} {
			out, err := exec.Command("sh", "-c", "docker -H "+engine.Host+" exec "+backup+" /usr/local/bin/pg-restore-app "+c.args).CombinedOutput()
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Errorf("restore %s: %v %s, want a refusal saying %q", c.args, err, out, c.want)
			}
		}
		if got := notes(); got != "kept" {
			t.Errorf("a refused restore changed the data: %q", got)
		}
	})

	// Three tracks on the one engine, side by side: this project's
	// release path, previews and recovery; a second project's rollouts,
	// monitoring and teardowns; and a third project's refusals before a
	// first deploy (it is never deployed), then the example program's
	// tasks. Each runs its own steps in order; they share only the engine
	// and the stand-in images (docs/testing.md).
	// The example's service runs the API's image as first deployed (the
	// staging track replaces the container). A tag of the test's own
	// holds the image: the staging track's recovery removes the
	// registry's tags and the project's own (<name>-...), and with them
	// an image that has no other.
	apiImage := "example-service:" + d.Name
	d.Docker("tag", d.Docker("inspect", "--format", "{{.Image}}", d.AppContainer("notes-api")), apiImage)
	t.Cleanup(func() { _, _ = engine.Docker("image", "rm", apiImage) })
	t.Run("side by side", func(t *testing.T) {
		t.Run("staging: release, promotion, previews and recovery", func(t *testing.T) {
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

			t.Run("pull request previews run beside staging and leave nothing behind", func(t *testing.T) { checkPreviews(t, d) })

			t.Run("backups go off-site, the drill catches a bad one, and staging comes back from the bucket alone", func(t *testing.T) { checkOffsiteRecovery(t, d, api) })
		})
		t.Run("a second project: rollouts, monitoring and teardown", func(t *testing.T) {
			t.Parallel()
			checkSecondProject(t, engine)
		})
		t.Run("a third project's refusals before its first deploy, and an example program's tasks", func(t *testing.T) {
			t.Parallel()
			checkRefusedBeforeAnything(t, newOnPremDeployment(t, engine, false))
			t.Run("an example program's task definitions run as Fargate would run them", func(t *testing.T) {
				start := time.Now()
				checkExampleTasksRun(t, newReleaseTools(t, d), apiImage)
				t.Logf("figure: the example's apply and task runs %s", time.Since(start).Round(time.Second))
			})
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
