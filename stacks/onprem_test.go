package stacks_test

import (
	"encoding/json"
	"fmt"
	"github.com/homecloud-dev/fullstack/awsrules"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry/registryconfig"
	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/pinned"
	"github.com/homecloud-dev/fullstack/stacks"
)

// container finds a docker_container by name.
func container(t *testing.T, s *synth.Stack, name string) map[string]any {
	t.Helper()
	return s.Resources("docker_container")[idOf(t, s, "docker_container", "name", name)]
}

// uploads maps each uploaded file to its upload block.
func uploads(s *synth.Stack, c map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	list, _ := c["upload"].([]any)
	// A read-only container's uploads are held by its files container
	// (dockercontainer.ReadOnlyRoot).
	for _, files := range filesContainers(s, c) {
		more, _ := files["upload"].([]any)
		list = append(list, more...)
	}
	for _, u := range list {
		m := u.(map[string]any)
		out[m["file"].(string)] = m
	}
	return out
}

// filesContainers are the files containers c depends on: created to hold
// its uploads, never started.
func filesContainers(s *synth.Stack, c map[string]any) []map[string]any {
	var out []map[string]any
	for _, d := range synth.Strings(c["depends_on"]) {
		if id, ok := strings.CutPrefix(d, "docker_container."); ok && s.Resources("docker_container")[id]["start"] == false {
			out = append(out, s.Resources("docker_container")[id])
		}
	}
	return out
}

// appContainer is the container serving app (its name carries a revision).
func appContainer(t *testing.T, s *synth.Stack, app string) map[string]any {
	t.Helper()
	return s.Resources("docker_container")[appContainerID(t, s, app)]
}

// appContainerID is the logical id of the container serving app.
func appContainerID(t *testing.T, s *synth.Stack, app string) string {
	t.Helper()
	for id, c := range s.Resources("docker_container") {
		if strings.Contains(labelsOf(t, c), naming.AppLabel+"="+app) {
			return id
		}
	}
	t.Fatalf("no container labelled %s=%s", naming.AppLabel, app)
	return ""
}

func labelsOf(t *testing.T, r map[string]any) string {
	t.Helper()
	var kv []string
	for _, l := range r["labels"].([]any) {
		m := l.(map[string]any)
		kv = append(kv, m["label"].(string)+"="+m["value"].(string))
	}
	return strings.Join(kv, ",")
}

const wantLabels = "environment=staging,managed-by=cdktf-fullstack,project=shop"

func TestOnPremVolumesAreProtected(t *testing.T) {
	s := plain.Stacks["onprem"]
	vols := map[string]map[string]any{}
	for _, v := range s.Resources("docker_volume") {
		if strings.Contains(labelsOf(t, v), dockercontainer.FilesLabel+"=true") {
			// A read-only container's uploads (TestOnPremContainersHardened).
			eq(t, v, "lifecycle", nil)
			continue
		}
		vols[v["name"].(string)] = v
	}
	for _, name := range []string{"shop-registry-data", "shop-registry-backup", "shop-postgres-data", "shop-postgres-backup"} {
		v, ok := vols[name]
		if !ok {
			t.Errorf("no volume %s (have %v)", name, vols)
			continue
		}
		eq(t, v, "lifecycle.prevent_destroy", true)
		if got := labelsOf(t, v); got != wantLabels {
			t.Errorf("%s labels = %s", name, got)
		}
	}
	// The proxy's route files are not data: a redeploy rewrites them. Nor
	// is the monitoring's history and silences.
	for _, name := range []string{"shop-proxy-routes", "shop-prometheus-data", "shop-alertmanager-data"} {
		eq(t, vols[name], "lifecycle", nil)
	}
	if len(vols) != 7 {
		t.Errorf("%d volumes, want the 4 data volumes, the proxy's routes and the monitoring's 2", len(vols))
	}
}

func TestRegistryContainer(t *testing.T) {
	s := plain.Stacks["onprem"]
	c := container(t, s, "shop-registry")
	img := idOf(t, s, "docker_image", "name", pinned.Registry)
	eq(t, c, "image", ref("docker_image", img, "image_id"))
	eq(t, s.Resources("docker_image")[img], "keep_locally", true)
	eq(t, c, "restart", "unless-stopped")
	eq(t, c, "ports", []any{map[string]any{"internal": 5000, "external": 5000, "ip": "127.0.0.1"}})
	net := onlyID(t, s, "docker_network")
	eq(t, c, "networks_advanced", []any{map[string]any{"name": ref("docker_network", net, "name"), "aliases": []any{"registry"}}})
	data := idOf(t, s, "docker_volume", "name", "shop-registry-data")
	eq(t, c, "volumes", append([]any{map[string]any{"volume_name": ref("docker_volume", data, "name"), "container_path": registry.ContainerRootDir}}, filesMounts(t, s, c)...))
	eq(t, c, "healthcheck.test", []any{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5001/debug/health"})
	eq(t, c, "log_driver", "json-file")
	eq(t, c, "log_opts", map[string]any{"max-size": "10m", "max-file": "3"})
	labels := labelsOf(t, c)
	hash := regexp.MustCompile(`fullstack\.config-hash=\$\{nonsensitive\(sha256\(jsonencode\(.*\)\)\)\},`)
	if got := hash.ReplaceAllString(labels, ""); got != wantLabels || !hash.MatchString(labels) {
		t.Errorf("labels = %s, want %s and the hash of its settings", labels, wantLabels)
	}
	// Its ready step renews with that hash and waits for a container
	// carrying it: pushes wait for the registry that replaced the old one.
	ready := s.Resources("terraform_data")[readyFor(t, s, "shop-registry")]
	if trigger := fmt.Sprint(ready["triggers_replace"]); !strings.Contains(trigger, "nonsensitive(sha256(jsonencode(") {
		t.Errorf("the registry's ready step does not renew with its settings: %s", trigger)
	}
	up := uploads(s, c)
	want := registryconfig.Config(registryconfig.Settings{RootDir: registry.ContainerRootDir, Addr: ":5000", DebugAddr: registry.ContainerDebug})
	if up[registry.ContainerConfig]["content"] != want {
		t.Errorf("config.yml = %v\nwant %s", up[registry.ContainerConfig]["content"], want)
	}
	if !strings.Contains(want, "delete:\n    enabled: true") || strings.Contains(want, "auth:") || strings.Contains(want, "tls:") {
		t.Errorf("default config: deletes on, no auth, no TLS:\n%s", want)
	}
	eq(t, s.Outputs(), "registry_address.value", "127.0.0.1:5000")
}

func TestRegistryWithAuthAndTLS(t *testing.T) {
	s := emulated.Stacks["onprem"]
	c := container(t, s, "shop-registry")
	eq(t, c, "ports", []any{map[string]any{"internal": 5000, "external": 5443, "ip": "0.0.0.0"}})
	// The host's key may be its owner's alone: root reads it, nothing more.
	eq(t, c, "capabilities", map[string]any{"drop": []any{"ALL"}, "add": []any{"DAC_READ_SEARCH"}})
	up := uploads(s, c)
	eq(t, up[registry.ContainerHTPasswd], "content", "${var."+config.RegistryHTPasswdVariable+"}")
	eq(t, s.Variables(), config.RegistryHTPasswdVariable+".sensitive", true)
	cfg := up[registry.ContainerConfig]["content"].(string)
	for _, want := range []string{"htpasswd:\n    realm: \"shop registry\"\n    path: /auth/htpasswd", "tls:\n    certificate: /certs/registry.crt\n    key: /certs/registry.key"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	var mounts []string
	for _, v := range c["volumes"].([]any) {
		m := v.(map[string]any)
		if m["host_path"] != nil {
			mounts = append(mounts, fmt.Sprint(m["host_path"], "->", m["container_path"], " ro=", m["read_only"]))
		}
	}
	if !slices.Equal(mounts, []string{"/etc/registry/tls.crt->/certs/registry.crt ro=true", "/etc/registry/tls.key->/certs/registry.key ro=true"}) {
		t.Errorf("TLS mounts = %v", mounts)
	}
	eq(t, s.Outputs(), "registry_address.value", "127.0.0.1:5443") // 0.0.0.0 is pushed to on loopback
	if _, ok := plain.Stacks["onprem"].Variables()[config.RegistryHTPasswdVariable]; ok {
		t.Error("without htpasswd there must be no htpasswd variable")
	}
}

func TestRegistryBackupSidecar(t *testing.T) {
	for _, c := range []struct {
		out            *synth.Output
		schedule, keep string
	}{{plain, "17 3 * * *", "7"}, {emulated, "0 */6 * * *", "3"}} {
		s := c.out.Stacks["onprem"]
		b := container(t, s, "shop-registry-backup")
		eq(t, b, "command", []any{"crond", "-f", "-l", "8"})
		eq(t, b, "network_mode", "none")
		eq(t, b, "restart", "unless-stopped")
		eq(t, b, "env", []any{"DATA_DIR=/data", "BACKUP_DIR=/backup", "KEEP=" + c.keep})
		data := idOf(t, s, "docker_volume", "name", "shop-registry-data")
		backup := idOf(t, s, "docker_volume", "name", "shop-registry-backup")
		eq(t, b, "volumes", append([]any{
			map[string]any{"volume_name": ref("docker_volume", data, "name"), "container_path": "/data"},
			map[string]any{"volume_name": ref("docker_volume", backup, "name"), "container_path": "/backup"},
		}, filesMounts(t, s, b)...))
		up := uploads(s, b)
		eq(t, up["/etc/crontabs/root"], "content", c.schedule+" "+registry.BackupCommand+"\n")
		// Terraform reads "${" as an interpolation: the scripts' shell
		// expansions must reach the JSON escaped as "$${".
		eq(t, up[registry.BackupCommand], "content", strings.ReplaceAll(registry.BackupScript, "${", "$${"))
		eq(t, up[registry.BackupCommand], "executable", true)
		eq(t, up[registry.RestoreCommand], "content", strings.ReplaceAll(registry.RestoreScript, "${", "$${"))
		eq(t, up[registry.RestoreCommand], "executable", true)
		eq(t, b, "healthcheck.interval", "1m0s")
		idOf(t, s, "docker_image", "name", registry.DefaultBackupImage)
	}
	cmd := get(t, plain.Stacks["onprem"].Outputs(), "registry_restore_command.value").(string)
	want := `sh -c 'docker -H ssh://deploy@homeserver stop shop-registry >/dev/null && { docker -H ssh://deploy@homeserver exec shop-registry-backup /usr/local/bin/registry-restore "$@"; rc=$?; docker -H ssh://deploy@homeserver start shop-registry >/dev/null; exit $rc; }' registry-restore`
	if cmd != want {
		t.Errorf("restore command output =\n%s\nwant (runnable as printed, registry started again whatever happens)\n%s", cmd, want)
	}
}

func TestPostgresContainer(t *testing.T) {
	s := plain.Stacks["onprem"]
	c := container(t, s, "shop-postgres")
	img := idOf(t, s, "docker_image", "name", pinned.Postgres(pinned.DefaultPostgresVersion))
	eq(t, c, "image", ref("docker_image", img, "image_id"))
	eq(t, c, "restart", "unless-stopped")
	eq(t, c, "ports", []any{map[string]any{"internal": 5432, "external": 5432, "ip": "127.0.0.1"}})
	env := fmt.Sprint(c["env"])
	for _, want := range []string{"POSTGRES_USER=postgres", "POSTGRES_PASSWORD_FILE=" + postgrescluster.ContainerPassword,
		"POSTGRES_INITDB_ARGS=--auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %s: %s", want, env)
		}
	}
	if strings.Contains(env, "POSTGRES_PASSWORD=") || strings.Contains(env, "POSTGRES_HOST_AUTH_METHOD=trust") {
		t.Errorf("password or trust auth in the environment: %s", env)
	}
	eq(t, uploads(s, c)[postgrescluster.ContainerPassword], "content", "${var."+config.PostgresPasswordVariable+"}")
	eq(t, c, "command", []any{"postgres", "-c", "listen_addresses=*", "-c", "password_encryption=scram-sha-256"})
	eq(t, c, "healthcheck.test", []any{"CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1", "-p", "5432"})
	eq(t, c, "wait", true)
	data := idOf(t, s, "docker_volume", "name", "shop-postgres-data")
	eq(t, c, "volumes", append([]any{map[string]any{"volume_name": ref("docker_volume", data, "name"), "container_path": postgrescluster.ContainerDataDir}}, filesMounts(t, s, c)...))
	net := onlyID(t, s, "docker_network")
	eq(t, c, "networks_advanced", []any{map[string]any{"name": ref("docker_network", net, "name"), "aliases": []any{"postgres"}}})
	eq(t, c, "log_opts", map[string]any{"max-size": "10m", "max-file": "3"})
	outs := s.Outputs()
	eq(t, outs, "postgres_host.value", "127.0.0.1")
	eq(t, outs, "postgres_port.value", 5432)
	eq(t, outs, "postgres_internal_address.value", "shop-postgres:5432")
	idOf(t, emulated.Stacks["onprem"], "docker_image", "name", "postgres:16.4") // configurable tag
}

func TestAppDatabaseOnPrem(t *testing.T) {
	s := plain.Stacks["onprem"]
	eq(t, s.Provider("postgresql"), "expected_version", "16")
	roleID := idOf(t, s, "postgresql_role", "name", "orders")
	role := s.Resources("postgresql_role")[roleID]
	eq(t, role, "login", true)
	eq(t, role, "password", "${var."+config.AppPasswordVariable("orders")+"}")
	// The role waits until PostgreSQL is healthy, asked of Docker, not
	// through an edge to its container (TestOnPremPlatformContainersAreNotRolledOut).
	eq(t, role, "depends_on", []any{"terraform_data." + readyFor(t, s, "shop-postgres")})
	eq(t, s.Variables(), config.AppPasswordVariable("orders")+".sensitive", true)

	dbID := onlyID(t, s, "postgresql_database")
	db := s.Resources("postgresql_database")[dbID]
	eq(t, db, "name", "orders")
	eq(t, db, "owner", ref("postgresql_role", roleID, "name"))
	grantID := onlyID(t, s, "postgresql_grant")
	g := s.Resources("postgresql_grant")[grantID]
	eq(t, g, "role", "public")
	eq(t, g, "object_type", "database")
	eq(t, g, "privileges", []any{})
	eq(t, g, "database", ref("postgresql_database", dbID, "name"))

	migrations, err := flyway.Load(filepath.Join(projectDir, "migrations", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	// Flyway runs the migration image built from a prepared context
	// (FROM the pinned Flyway image, the SQL in /flyway/sql) and pushed to
	// the local registry: the image a release promotes.
	ctx, err := dbspec.PrepareMigrationContext(filepath.Join(t.TempDir(), "ctx"), migrations)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Resources("docker_container")[flywayID(t, s, "orders")]
	build := idOf(t, s, "docker_image", "name", "127.0.0.1:5000/api/orders:flyway-"+ctx.Hash[:12])
	buildDir := fmt.Sprint(s.Resources("docker_image")[build]["build"].(map[string]any)["context"])
	if df, err := os.ReadFile(filepath.Join(buildDir, "Dockerfile")); err != nil || string(df) != dbspec.MigrationDockerfile {
		t.Errorf("migration image Dockerfile in %s: %v %q", buildDir, err, df)
	}
	if sql, err := os.ReadFile(filepath.Join(buildDir, "sql", dbspec.AppRoleCallbackFile)); err != nil || string(sql) != dbspec.AppRoleCallback {
		t.Errorf("the app role callback in the image context: %v %q", err, sql)
	}
	// The app's own role: a password drawn once, kept; the database goes
	// before it on destroy (its grants live in the database).
	appRoleID := idOf(t, s, "postgresql_role", "name", "orders_app")
	appRole := s.Resources("postgresql_role")[appRoleID]
	eq(t, appRole, "login", true)
	eq(t, appRole, "password", "${uuid()}")
	eq(t, appRole, "lifecycle.ignore_changes", []any{"password"})
	eq(t, db, "depends_on", []any{"postgresql_role." + appRoleID})
	for _, want := range []string{dbspec.AppRolePlaceholder + "=orders_app", dbspec.AppRolePasswordPlaceholder + "=" + dbspec.AppRoleManagedElsewhere} {
		if !strings.Contains(fmt.Sprint(f["env"]), want) {
			t.Errorf("Flyway's env lacks %s: %v", want, f["env"])
		}
	}
	for _, m := range migrations {
		if sql, err := os.ReadFile(filepath.Join(buildDir, "sql", m.File)); err != nil || string(sql) != string(m.SQL) {
			t.Errorf("migration %s in the image context: %v %q", m.File, err, sql)
		}
	}
	push := idOf(t, s, "docker_registry_image", "name", ref("docker_image", build, "name"))
	pulled := idOf(t, s, "docker_image", "name", ref("docker_registry_image", push, "name"))
	eq(t, f, "image", ref("docker_image", pulled, "image_id"))
	eq(t, s.Outputs(), "release_migration_images.value.orders.digest", ref("docker_registry_image", push, "sha256_digest"))
	eq(t, s.Outputs(), "release_migration_images.value.orders.repository", "api/orders")
	for _, img := range s.Resources("docker_image") {
		if img["name"] == dbspec.FlywayImage {
			t.Error("the official Flyway image is pulled on its own: Flyway must run the migration image")
		}
	}
	eq(t, f, "command", []any{"migrate"})
	env := fmt.Sprint(f["env"])
	for _, want := range []string{"FLYWAY_URL=jdbc:postgresql://shop-postgres:5432/orders", "FLYWAY_USER=orders", "FLYWAY_LOCATIONS=filesystem:/flyway/sql"} {
		if !strings.Contains(env, want) {
			t.Errorf("flyway env lacks %s: %s", want, env)
		}
	}
	// The only PASSWORD in it says that Terraform keeps the app role's.
	if strings.Contains(strings.Replace(env, dbspec.AppRolePasswordPlaceholder+"="+dbspec.AppRoleManagedElsewhere, "", 1), "PASSWORD") {
		t.Errorf("the password must not be in Flyway's environment: %s", env)
	}
	up := uploads(s, f)
	// A Java properties file: backslashes escaped (cdktf writes the
	// function's arguments into HCL verbatim, hence four).
	eq(t, up[dbspec.FlywayConf], "content", `flyway.password=${replace(var.`+config.AppPasswordVariable("orders")+`, "\\", "\\\\")}`+"\n")
	eq(t, f, "tty", true) // one plain log stream, no frame headers

	if len(up) != 1 {
		t.Errorf("%d uploads, want only the conf (the migrations are in the image)", len(up))
	}
	eq(t, f, "attach", true)
	eq(t, f, "logs", true)
	eq(t, f, "must_run", false)
	if got := labelsOf(t, f); !strings.Contains(got, appdatabase.MigrationsHashLabel+"="+flyway.ContentHash(migrations)) {
		t.Errorf("flyway labels lack the migrations hash: %s", got)
	}
	eq(t, f, "lifecycle.postcondition", []any{map[string]any{
		"condition":     "${self.exit_code == 0}",
		"error_message": "flyway migrate failed for orders (exit ${self.exit_code}):\n${self.container_logs}",
	}})
	// And its files container (dockercontainer.ReadOnlyRoot): the SQL and flyway.conf.
	files := idOf(t, s, "docker_container", "upload", get(t, filesContainers(s, f)[0], "upload"))
	eq(t, f, "depends_on", []any{"postgresql_database." + dbID, "postgresql_grant." + grantID, "postgresql_role." + appRoleID, "docker_container." + files})
	net := onlyID(t, s, "docker_network")
	eq(t, f, "networks_advanced", []any{map[string]any{"name": ref("docker_network", net, "name")}})
}

// TestOnPremConverges: what Docker reads back must equal what the stack
// writes, or every plan shows a change that applying never removes.
func TestOnPremConverges(t *testing.T) {
	s := plain.Stacks["onprem"]
	for id, c := range s.Resources("docker_container") {
		if hc, ok := c["healthcheck"].(map[string]any); ok {
			for _, k := range []string{"interval", "timeout", "start_period"} {
				v, ok := hc[k].(string)
				if !ok {
					continue
				}
				if d, err := time.ParseDuration(v); err != nil || d.String() != v {
					t.Errorf("%s healthcheck.%s = %q, Docker reads it back as %q", id, k, v, d)
				}
			}
		}
		if mem, ok := c["memory"]; ok && fmt.Sprint(c["memory_swap"]) != fmt.Sprint(mem) {
			t.Errorf("%s memory_swap = %v, want the memory limit %v (Docker's default doubles it)", id, c["memory_swap"], mem)
		}
	}
	eq(t, appContainer(t, s, "orders"), "memory_swap", 512)
}

// TestOnPremStopsGracefully: the provider kills a container at once on
// destroy or replacement unless destroy_grace_seconds is set.
func TestOnPremStopsGracefully(t *testing.T) {
	s := plain.Stacks["onprem"]
	eq(t, container(t, s, "shop-postgres"), "destroy_grace_seconds", 60)
	for id, c := range s.Resources("docker_container") {
		if c["restart"] == "unless-stopped" && c["destroy_grace_seconds"] == nil {
			t.Errorf("%s is a long-running container without destroy_grace_seconds", id)
		}
	}
}

// TestOnPremPushesAfterTheRegistry: pushes need the provider's
// registry_auth entry (scheme included) and a registry that answers.
func TestOnPremPushesAfterTheRegistry(t *testing.T) {
	for _, c := range []struct {
		out  *synth.Output
		auth map[string]any
	}{
		{plain, map[string]any{"address": "http://127.0.0.1:5000", "auth_disabled": true}},
		{emulated, map[string]any{"address": "https://127.0.0.1:5443",
			"username": "${var." + config.RegistryUserVariable + "}", "password": "${var." + config.RegistryPasswordVariable + "}"}},
	} {
		s := c.out.Stacks["onprem"]
		docker := get(t, s.JSON, "provider.docker").([]any)[0].(map[string]any)
		eq(t, docker, "registry_auth", []any{c.auth})
		reg := idOf(t, s, "docker_container", "name", "shop-registry")
		eq(t, s.Resources("docker_container")[reg], "wait", true)
		pushes := s.Resources("docker_registry_image")
		if len(pushes) == 0 {
			t.Fatal("no docker_registry_image")
		}
		ready := readyFor(t, s, "shop-registry")
		for id, p := range pushes {
			if !strings.Contains(fmt.Sprint(p["depends_on"]), "terraform_data."+ready) {
				t.Errorf("%s does not wait for the registry to be healthy: %v", id, p["depends_on"])
			}
		}
	}
}

// TestOnPremDataTeardownOption: the data volumes are protected unless the
// teardown asks for them.
func TestOnPremDataTeardownOption(t *testing.T) {
	for _, v := range teardown.Stacks["onprem"].Resources("docker_volume") {
		if v["lifecycle"] != nil {
			eq(t, v, "lifecycle.prevent_destroy", false)
		}
	}
}

// TestPostgresBackupSidecar: daily dumps of every app database with the
// cluster's own tools, the password as a file, scripts escaped for
// Terraform, and a restore command per app that runs as printed.
func TestPostgresBackupSidecar(t *testing.T) {
	s := plain.Stacks["onprem"]
	b := container(t, s, "shop-postgres-backup")
	// The cluster's own image with restic added, built on the server.
	img := onlyBuild(t, s, "shop-postgres-backup:")
	eq(t, b, "image", "${docker_image."+img+".image_id}")
	dockerfile, err := os.ReadFile(filepath.Join(get(t, s.Resources("docker_image")[img], "build.context").(string), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if want := postgrescluster.BackupImageDockerfile(pinned.Postgres(pinned.DefaultPostgresVersion)); string(dockerfile) != want {
		t.Errorf("backup image Dockerfile = %q, want %q", dockerfile, want)
	}
	eq(t, b, "command", []any{postgrescluster.ScheduleCommand})
	env := fmt.Sprint(b["env"])
	for _, want := range []string{"PGHOST=shop-postgres", "PGUSER=postgres", "PGPASSFILE=/tmp/.pgpass", "PGPASS_UPLOAD=/run/secrets/pgpass", "AT=03:47", "KEEP=7", "DATABASES=orders"} {
		if !strings.Contains(env, want) {
			t.Errorf("backup env lacks %s: %s", want, env)
		}
	}
	if strings.Contains(env, "PASSWORD=") {
		t.Errorf("a password in the environment: %s", env)
	}
	up := uploads(s, b)
	eq(t, up["/run/secrets/pgpass"], "content", `*:*:*:postgres:${replace(replace(var.`+config.PostgresPasswordVariable+`, "\\", "\\\\"), ":", "\\:")}`+"\n")
	for file, script := range map[string]string{postgrescluster.BackupCommand: postgrescluster.BackupScript,
		postgrescluster.RestoreCommand: postgrescluster.RestoreScript, postgrescluster.ScheduleCommand: postgrescluster.ScheduleScript,
		postgrescluster.RoundCommand: postgrescluster.RoundScript, postgrescluster.OffsiteCommand: postgrescluster.OffsiteScript,
		postgrescluster.DrillCommand: postgrescluster.DrillScript} {
		eq(t, up[file], "content", strings.ReplaceAll(script, "${", "$${"))
		eq(t, up[file], "executable", true)
	}
	eq(t, up[postgrescluster.TableChecksumsFile], "content", strings.ReplaceAll(postgrescluster.TableChecksumsSQL, "${", "$${"))
	eq(t, up[postgrescluster.LibFile], "content", strings.ReplaceAll(postgrescluster.LibScript, "${", "$${"))
	if strings.Contains(env, "RESTIC_") {
		t.Errorf("no off-site copy was asked for, but: %s", env)
	}
	eq(t, b, "healthcheck.interval", "1m0s")
	eq(t, s.Outputs(), "postgres_restore_commands.value", map[string]any{
		"orders": "docker -H ssh://deploy@homeserver exec shop-postgres-backup " + postgrescluster.RestoreCommand + " orders",
	})
}

func TestOnPremAppSecretsAndLiteralEnv(t *testing.T) {
	s := plain.Stacks["onprem"]
	env := fmt.Sprint(appContainer(t, s, "orders")["env"])
	variable := config.AppSecretVariable("orders", "STRIPE_API_KEY")
	for _, want := range []string{"STRIPE_API_KEY=${var." + variable + "}", "GREETING=$${not_an_expression}"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %s: %s", want, env)
		}
	}
	eq(t, s.Variables(), variable+".sensitive", true)
	eq(t, s.Variables(), variable+".default", "")
	if v := fmt.Sprint(s.Variables()[variable]); !strings.Contains(v, "export TF_VAR_"+variable) {
		t.Errorf("the variable's check does not say how to set it: %s", v)
	}
}

// gateOf is the logical id of the rollout gate of container id.
func gateOf(t *testing.T, s *synth.Stack, containerID string) string {
	t.Helper()
	for id, r := range s.Resources("terraform_data") {
		if fmt.Sprint(r["triggers_replace"]) == fmt.Sprint([]any{"${docker_container." + containerID + ".id}"}) {
			return id
		}
	}
	t.Fatalf("no rollout gate for docker_container.%s", containerID)
	return ""
}

// flywayID is the logical id of app's Flyway container (its name carries
// a revision).
func flywayID(t *testing.T, s *synth.Stack, app string) string {
	t.Helper()
	for id, c := range s.Resources("docker_container") {
		if strings.HasPrefix(fmt.Sprint(c["name"]), `${join("", ["shop-`+app+`-flyway-", substr(terraform_data.`) {
			return id
		}
	}
	t.Fatalf("no Flyway container for %s", app)
	return ""
}

// readyFor is the logical id of the step that waits for container name to
// be healthy.
func readyFor(t *testing.T, s *synth.Stack, name string) string {
	t.Helper()
	for id, r := range s.Resources("terraform_data") {
		p, _ := r["provisioner"].([]any)
		if len(p) == 0 {
			continue
		}
		env, _ := p[0].(map[string]any)["local-exec"].(map[string]any)["environment"].(map[string]any)
		if env["CONTAINER"] == name && strings.Contains(fmt.Sprint(p), "did not become healthy") {
			return id
		}
	}
	t.Fatalf("no step waits for %s to be healthy", name)
	return ""
}

// TestOnPremPlatformContainersAreNotRolledOut: Terraform extends
// create_before_destroy from a resource to everything it depends on, and
// stores it. The registry, PostgreSQL and the proxy have fixed names and
// host ports (and PostgreSQL one data directory): they must never be
// replaced create-before-destroy, so no rollout may depend on them,
// directly or through anything else.
func TestOnPremPlatformContainersAreNotRolledOut(t *testing.T) {
	for _, out := range []*synth.Output{plain, emulated} {
		s := out.Stacks["onprem"]
		deps := dependencyGraph(s)
		platform := map[string]bool{}
		for id, c := range s.Resources("docker_container") {
			if name := fmt.Sprint(c["name"]); !strings.Contains(name, "${") {
				platform["docker_container."+id] = true
			}
		}
		for _, typ := range []string{"docker_container", "terraform_data"} {
			for id, r := range s.Resources(typ) {
				if fmt.Sprint(get(t, r, "lifecycle")) == "<nil>" || r["lifecycle"].(map[string]any)["create_before_destroy"] != true {
					continue
				}
				for dep := range closure(deps, typ+"."+id) {
					if platform[dep] {
						t.Errorf("%s.%s (create_before_destroy) depends on %s: Terraform would replace it create-before-destroy", typ, id, dep)
					}
				}
			}
		}
	}
}

var reference = regexp.MustCompile(`\b((?:docker|postgresql|terraform)_[a-z_]+\.[A-Za-z0-9_-]+)\b`)

// dependencyGraph maps each resource address to the addresses it names
// (references in its values and depends_on).
func dependencyGraph(s *synth.Stack) map[string][]string {
	g := map[string][]string{}
	for typ, rs := range s.JSON["resource"].(map[string]any) {
		for id, r := range rs.(map[string]any) {
			raw, _ := json.Marshal(r)
			for _, m := range reference.FindAllStringSubmatch(string(raw), -1) {
				g[typ+"."+id] = append(g[typ+"."+id], m[1])
			}
		}
	}
	return g
}

func closure(g map[string][]string, from string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(a string) {
		for _, b := range g[a] {
			if !seen[b] {
				seen[b] = true
				walk(b)
			}
		}
	}
	walk(from)
	return seen
}

// TestOffsiteBackup: with onprem.offsite, the sidecar copies the backup
// volume, the registry's storage and the state directory (read-only) to
// the repository, with the password and keys as sensitive variables that
// reach it as files, never in its environment.
func TestOffsiteBackup(t *testing.T) {
	s := teardown.Stacks["onprem"]
	b := container(t, s, "shop-postgres-backup")
	env := fmt.Sprint(b["env"])
	for _, want := range []string{"RESTIC_REPOSITORY=s3:https://s3.eu-west-2.amazonaws.com/shop-backups/staging", "RESTIC_HOST=shop-staging",
		"KEEP_DAILY=7", "KEEP_WEEKLY=4", "KEEP_MONTHLY=12", "AWS_DEFAULT_REGION=eu-west-2",
		"OFFSITE_PATHS=" + postgrescluster.OffsitePath(stacks.OffsiteRegistry) + " " + postgrescluster.OffsitePath(stacks.OffsiteState)} {
		if !strings.Contains(env, want) {
			t.Errorf("backup env lacks %s: %s", want, env)
		}
	}
	if strings.Contains(env, "var.") {
		t.Errorf("a secret in the environment: %s", env)
	}
	mounts := map[string]map[string]any{}
	for _, v := range b["volumes"].([]any) {
		m := v.(map[string]any)
		if p, ok := m["container_path"].(string); ok {
			mounts[p] = m
		}
	}
	eq(t, mounts[postgrescluster.OffsitePath(stacks.OffsiteRegistry)], "volume_name", "${docker_volume."+idOf(t, s, "docker_volume", "name", "shop-registry-data")+".name}")
	eq(t, mounts[postgrescluster.OffsitePath(stacks.OffsiteState)], "host_path", "/var/lib/fullstack/shop")
	for _, name := range []string{stacks.OffsiteRegistry, stacks.OffsiteState} {
		eq(t, mounts[postgrescluster.OffsitePath(name)], "read_only", true)
	}
	up := uploads(s, b)
	eq(t, up["/run/secrets/restic-password"], "content", "${var."+config.OffsitePasswordVariable+"}")
	eq(t, up["/run/secrets/offsite-credentials"], "content", "[default]\naws_access_key_id = ${var."+config.OffsiteAccessKeyIDVariable+"}\naws_secret_access_key = ${var."+config.OffsiteSecretAccessKeyVariable+"}\n")
	for _, v := range []string{config.OffsitePasswordVariable, config.OffsiteAccessKeyIDVariable, config.OffsiteSecretAccessKeyVariable} {
		eq(t, s.Variables(), v+".sensitive", true)
	}
}

// onlyBuild is the logical id of the one docker_image built under a name
// starting with prefix.
func onlyBuild(t *testing.T, s *synth.Stack, prefix string) string {
	t.Helper()
	var ids []string
	for id, r := range s.Resources("docker_image") {
		if name, _ := r["name"].(string); strings.HasPrefix(name, prefix) && r["build"] != nil {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("images built as %s*: %v, want one", prefix, ids)
	}
	return ids[0]
}

// TestOnPremContainersHardened: every container runs on a read-only root
// with a memory limit and no-new-privileges, and holds only the named
// capabilities (none for apps, sites, Flyway runs and the monitoring, as
// their tasks on ECS). The table is docs/onprem.md's "Container
// hardening", with the reason for each exception.
func TestOnPremContainersHardened(t *testing.T) {
	type want struct {
		caps     string // added back after drop ALL
		tmpfs    string // the writable paths
		memory   float64
		rootExec bool // no no-new-privileges: docker exec -u 0 must keep root's capabilities
	}
	rootSetup := "[CHOWN DAC_OVERRIDE FOWNER SETGID SETUID]"
	exact := map[string]want{
		"shop-postgres":        {caps: rootSetup, tmpfs: "[/tmp /var/run/postgresql]", memory: 1024},
		"shop-postgres-backup": {caps: rootSetup, memory: 1024}, // its /tmp is a volume: the drill's scratch cluster
		"shop-registry":        {tmpfs: "[/tmp]", memory: 256},
		"shop-registry-backup": {caps: "[SETGID SETUID]", tmpfs: "[/tmp]", memory: 128},
		"shop-proxy":           {caps: "[CHOWN DAC_OVERRIDE FOWNER KILL SETGID SETUID]", tmpfs: "[/tmp]", memory: 128, rootExec: true},
		"shop-prometheus":      {tmpfs: "[/tmp]", memory: 512},
		"shop-alertmanager":    {tmpfs: "[/tmp]", memory: 128},
		"shop-blackbox":        {tmpfs: "[/tmp]", memory: 64},
		"shop-node-exporter":   {tmpfs: "[/tmp]", memory: 64},
	}
	seen := 0
	s := plain.Stacks["onprem"]
	for id, c := range s.Resources("docker_container") {
		name, _ := c["name"].(string)
		if c["start"] == false {
			// A files container: created to hold uploads, never run, and
			// none of the containers the sweep, status or Flyway's re-run
			// look for by label.
			labels := labelsOf(t, c)
			if c["must_run"] != false || c["network_mode"] != "none" || !strings.Contains(labels, dockercontainer.FilesLabel+"=true") ||
				strings.Contains(labels, naming.AppLabel+"=") || strings.Contains(labels, appdatabase.MigrationsHashLabel) {
				t.Errorf("%s: a files container must never run and carry only the files label (must_run %v, network_mode %v, labels %s)", name, c["must_run"], c["network_mode"], labels)
			}
			continue
		}
		w, ok := exact[name]
		switch {
		case ok:
			seen++
		case strings.Contains(name, "-flyway-"):
			w = want{tmpfs: "[/tmp]", memory: 512}
		case strings.Contains(id, "_rollout_container_"):
			w = want{tmpfs: "[/tmp]", memory: 512} // an app's or a site's rollout
		default:
			t.Errorf("%s (%s) is not in the hardening table", name, id)
			continue
		}
		nnp := strings.Contains(fmt.Sprint(c["security_opts"]), dockercontainer.NoNewPrivileges)
		if nnp == w.rootExec {
			t.Errorf("%s: no-new-privileges %v, want %v", name, nnp, !w.rootExec)
		}
		caps, _ := c["capabilities"].(map[string]any)
		added := "[]"
		if caps["add"] != nil {
			added = fmt.Sprint(caps["add"])
		}
		if fmt.Sprint(caps["drop"]) != "[ALL]" || (w.caps == "" && added != "[]") || (w.caps != "" && added != w.caps) {
			t.Errorf("%s: capabilities %v, want drop ALL and add %q", name, caps, w.caps)
		}
		if c["read_only"] != true {
			t.Errorf("%s: read_only %v, want a read-only root", name, c["read_only"])
		}
		var tmpfs []string
		for p := range asMap(c["tmpfs"]) {
			tmpfs = append(tmpfs, p)
		}
		sort.Strings(tmpfs)
		if got := fmt.Sprint(tmpfs); (w.tmpfs == "" && len(tmpfs) > 0) || (w.tmpfs != "" && got != w.tmpfs) {
			t.Errorf("%s: tmpfs at %s, want %q", name, got, w.tmpfs)
		}
		if strings.HasPrefix(id, "service-") && c["user"] != awsrules.NonRootUser {
			t.Errorf("%s: user %v, want %s as on ECS", name, c["user"], awsrules.NonRootUser)
		}
		if len(filesContainers(s, c)) > 0 {
			filesMounts(t, s, c)
		}
		if up, _ := c["upload"].([]any); len(up) > 0 {
			// The provider extracts uploads at /, which Docker refuses on a
			// read-only root: they belong in a files container.
			t.Errorf("%s: uploads %v into a read-only root", name, up)
		}
		if c["memory"] != w.memory || c["memory_swap"] != w.memory {
			t.Errorf("%s: memory %v, swap %v; want %v MiB without swap", name, c["memory"], c["memory_swap"], w.memory)
		}
	}
	if seen != len(exact) {
		t.Errorf("found %d of the %d platform containers in the stack", seen, len(exact))
	}
}

// filesMounts are c's read-only mounts of its files container's volumes
// (dockercontainer.ReadOnlyRoot), after checking that the container it
// waits for holds them at the same paths.
func filesMounts(t *testing.T, s *synth.Stack, c map[string]any) []any {
	t.Helper()
	files := filesContainers(s, c)
	if len(files) != 1 {
		t.Errorf("%s waits for %d files containers, want one", c["name"], len(files))
		return nil
	}
	held := map[string]bool{}
	for _, v := range files[0]["volumes"].([]any) {
		held[fmt.Sprint(asMap(v)["volume_name"], " ", asMap(v)["container_path"])] = true
	}
	var out []any
	for _, v := range c["volumes"].([]any) {
		m := asMap(v)
		if held[fmt.Sprint(m["volume_name"], " ", m["container_path"])] {
			if m["read_only"] != true {
				t.Errorf("%s mounts its files at %v writable", c["name"], m["container_path"])
			}
			out = append(out, v)
		}
	}
	if len(out) != len(held) {
		t.Errorf("%s mounts %d of its files container's %d volumes", c["name"], len(out), len(held))
	}
	return out
}

// asMap is v as a JSON object, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
