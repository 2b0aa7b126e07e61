package tests

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	flywaypkg "github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/internal/taskrun"
	"github.com/homecloud-dev/fullstack/pinned"
)

// rdsStandIn is a PostgreSQL container standing in for an RDS instance
// the emulator created: on the tasks' network under the instance's
// endpoint name, TLS on and (as rds.force_ssl) every connection without it
// refused. Its master role, with the login from the secret RDS manages,
// is what RDS's is: not a superuser, but allowed to create roles and
// databases, and the owner of the instance's database. The test itself
// looks in as the superuser postgres, over the socket.
type rdsStandIn struct {
	container, endpoint, database, user, password string
}

// rdsPostgresImage is the stand-in PostgreSQL image (its Debian packages
// bring the snakeoil certificate the server presents).
var rdsPostgresImage = pinned.Postgres(pinned.DefaultPostgresVersion)

func startRDSStandIn(t *testing.T, r *releaseTools, region, identifier, network string) *rdsStandIn {
	t.Helper()
	code, body, err := r.emu.Request("rds", region, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		"Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier="+identifier)
	if err != nil || code != 200 {
		t.Fatalf("DescribeDBInstances %s: %d %v %s", identifier, code, err, body)
	}
	field := func(tag string) string {
		_, rest, _ := strings.Cut(string(body), "<"+tag+">")
		v, _, _ := strings.Cut(rest, "</"+tag+">")
		return v
	}
	db := &rdsStandIn{container: identifier + "-rds", endpoint: field("Address"), database: field("DBName")}
	secretARN := field("SecretArn")
	if db.endpoint == "" || db.database == "" || secretARN == "" {
		t.Fatalf("DescribeDBInstances %s lacks the endpoint, database or master secret:\n%s", identifier, body)
	}
	// The master login, read as ECS reads it for the migration task.
	for field, key := range map[*string]string{&db.user: "username", &db.password: "password"} {
		if *field, err = taskrun.ResolveSecret(r.emu, region, secretARN+":"+key+"::"); err != nil {
			t.Fatalf("the master secret: %v", err)
		}
	}
	docker(t, r, "run", "-d", "--name", db.container, "--network", network, "--network-alias", db.endpoint,
		"-e", "POSTGRES_USER=postgres", "-e", "POSTGRES_PASSWORD=not-the-master-"+db.password, rdsPostgresImage,
		"postgres", "-c", "listen_addresses=*", "-c", "ssl=on", "-c", "ssl_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem", "-c", "ssl_key_file=/etc/ssl/private/ssl-cert-snakeoil.key")
	t.Cleanup(func() { _, _ = r.d.engine.Docker("rm", "-f", "-v", db.container) })
	waitFor(t, 60*time.Second, "the RDS stand-in", func() bool {
		_, err := r.d.engine.Docker("exec", "-u", "postgres", db.container, "pg_isready", "-q", "-h", "/var/run/postgresql")
		return err == nil
	})
	// rds.force_ssl: the first matching line refuses plain connections.
	docker(t, r, "exec", "-u", "postgres", db.container, "sh", "-c",
		`{ echo 'hostnossl all all all reject'; cat "$PGDATA/pg_hba.conf"; } > /tmp/hba && cat /tmp/hba > "$PGDATA/pg_hba.conf"`)
	db.sql(t, r, "postgres", "SELECT pg_reload_conf()")
	db.sql(t, r, "postgres", fmt.Sprintf(`CREATE ROLE %q LOGIN CREATEROLE CREATEDB PASSWORD '%s'`, db.user, strings.ReplaceAll(db.password, "'", "''")))
	db.sql(t, r, "postgres", fmt.Sprintf(`CREATE DATABASE %q OWNER %q`, db.database, db.user))
	return db
}

// sql runs one statement in database as the superuser, over the socket,
// and returns its unaligned output.
func (db *rdsStandIn) sql(t *testing.T, r *releaseTools, database, statement string) string {
	t.Helper()
	out, err := db.psql(r, database, statement)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// psql runs statements in database as the superuser, each its own
// transaction in one session.
func (db *rdsStandIn) psql(r *releaseTools, database string, statements ...string) (string, error) {
	return psql(r, []string{"exec", "-u", "postgres", db.container, "psql", "-h", "/var/run/postgresql", "-U", "postgres", "-d", database}, statements...)
}

// psql runs statements with the psql that command (a docker exec)
// starts, each its own transaction in one session, and returns the
// unaligned output.
func psql(r *releaseTools, command []string, statements ...string) (string, error) {
	args := append(command, "-v", "ON_ERROR_STOP=1", "-At")
	for _, s := range statements {
		args = append(args, "-c", s)
	}
	out, err := r.d.engine.Docker(args...)
	return strings.TrimSpace(out), err
}

func docker(t *testing.T, r *releaseTools, args ...string) string {
	t.Helper()
	out, err := r.d.engine.Docker(args...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// checkCloudTasksRun runs the cloud stack's task definitions, as the
// emulator holds them after the apply, on the private engine as Fargate
// would: Flyway migrates the RDS stand-in over TLS (a second run changes
// nothing), the API turns healthy by its own health check and keeps a
// note; then the refusals.
func checkCloudTasksRun(t *testing.T, r *releaseTools, region, ecrHost string) {
	network := r.d.Name + "-vpc"
	docker(t, r, "network", "create", network)
	t.Cleanup(func() { _, _ = r.d.engine.Docker("network", "rm", network) })
	db := startRDSStandIn(t, r, region, r.d.Name+"-notes-api", network)
	runner := &taskrun.Runner{DockerHost: r.d.engine.Host, Emulator: r.emu, Region: region, Network: network,
		ECR: map[string]string{ecrHost: r.ecr.Addr}, Prefix: r.d.Name}
	family := r.d.Name + "-notes-api"
	flyway, err := runner.Describe(family + "-flyway")
	if err != nil {
		t.Fatal(err)
	}
	api, err := runner.Describe(family)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	history := `SELECT count(*) FROM flyway_schema_history WHERE success`

	t.Run("the Flyway task migrates over TLS, and a second run changes nothing", func(t *testing.T) {
		start := time.Now()
		out, err := runner.Run(ctx, flyway)
		if err != nil {
			t.Fatalf("the Flyway task: %v\n%s", err, out)
		}
		t.Logf("figure: the Flyway task (pull, migrate) %s", time.Since(start).Round(100*time.Millisecond))
		applied := db.sql(t, r, db.database, history)
		if applied == "0" {
			t.Fatalf("the Flyway task applied nothing:\n%s", out)
		}
		if out, err = runner.Run(ctx, flyway); err != nil {
			t.Fatalf("the second Flyway run: %v\n%s", err, out)
		}
		if again := db.sql(t, r, db.database, history); again != applied {
			t.Errorf("the second run changed the history: %s rows, then %s", applied, again)
		}
	})

	t.Run("the API task turns healthy by its own check and keeps a note", func(t *testing.T) {
		start := time.Now()
		task, err := runner.Start(ctx, api)
		if err != nil {
			t.Fatal(err)
		}
		defer task.Remove(context.Background())
		if err := task.WaitHealthy(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("figure: the API task healthy after %s", time.Since(start).Round(100*time.Millisecond))
		addr, err := task.HostAddress(ctx, api.ContainerDefinitions[0].PortMappings[0].ContainerPort)
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr + envOf(api.ContainerDefinitions[0], "API_PREFIX")
		title := fmt.Sprintf("written through the AWS task %d", time.Now().UnixNano())
		resp, err := http.Post(base+"/notes", "application/json", strings.NewReader(`{"title":"`+title+`","body":"b","tags":["cloud"]}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("POST %s/notes: %s %s", base, resp.Status, b)
		}
		code, body, _, err := fetch("GET", base+"/notes")
		if err != nil || code != 200 || !strings.Contains(body, title) {
			t.Fatalf("GET %s/notes: %d %v, the note is missing:\n%s", base, code, err, body)
		}
		// The container ran locked down, as the task definition says.
		got := docker(t, r, "inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.Init}} {{.HostConfig.Memory}}", task.ContainerID("notes-api"))
		if want := "65532:65532 true [ALL] true 536870912"; got != want {
			t.Errorf("the API container runs with user, read-only root, dropped capabilities, init, memory = %s; want %s", got, want)
		}
	})

	t.Run("the app's own role may touch rows only, the same on both targets", func(t *testing.T) {
		role := "notes_api_app"
		// Each statement is its own transaction in one session.
		aws := func(list ...string) (string, error) { return db.psql(r, db.database, list...) }
		home := func(list ...string) (string, error) {
			return psql(r, []string{"exec", "-e", "PGPASSWORD=" + onPremSuperPassword, r.d.Name + "-postgres", "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "notes_api"}, list...)
		}
		awsModel, homeModel := checkAppRole(t, "AWS", role, aws), checkAppRole(t, "home", role, home)
		if awsModel != homeModel {
			t.Errorf("the app role differs between the targets:\n  AWS:  %s\n  home: %s", awsModel, homeModel)
		}
		t.Logf("the app role on both targets: %s", awsModel)
	})

	t.Run("refused: a secret's missing JSON key, before anything starts", func(t *testing.T) {
		bad := flyway.Clone()
		for i, s := range bad.ContainerDefinitions[0].Secrets {
			bad.ContainerDefinitions[0].Secrets[i].ValueFrom = strings.Replace(s.ValueFrom, ":password::", ":pass::", 1)
		}
		_, err := runner.Run(ctx, bad)
		want := `container flyway: secret FLYWAY_PASSWORD: secret ` + strings.TrimSuffix(flyway.ContainerDefinitions[0].Secrets[1].ValueFrom, ":password::") + ` has no JSON key "pass" (its keys: password, username)`
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "nothing was started") {
			t.Errorf("got %v\nwant %q", err, want)
		}
	})

	t.Run("refused: a TLS setting the database rejects never turns healthy", func(t *testing.T) {
		bad := api.Clone()
		for i, kv := range bad.ContainerDefinitions[0].Environment {
			if kv.Name == "PGSSLMODE" {
				bad.ContainerDefinitions[0].Environment[i].Value = "disable"
			}
		}
		// A shorter health check: this shows the refusal, in the app's
		// words; the API task above turned healthy under the real one.
		check := *bad.ContainerDefinitions[0].HealthCheck
		check.StartPeriod, check.Interval, check.Retries = 0, 5, 2
		bad.ContainerDefinitions[0].HealthCheck = &check
		task, err := runner.Start(ctx, bad)
		if err != nil {
			t.Fatal(err)
		}
		defer task.Remove(context.Background())
		err = task.WaitHealthy(ctx)
		// rds.force_ssl's refusal, in the app's own words.
		if err == nil || !strings.Contains(err.Error(), "container notes-api is unhealthy") || !strings.Contains(err.Error(), "no encryption") {
			t.Errorf("an API without TLS: %v", err)
		}
	})

	t.Run("refused: a writable path the image does not declare as VOLUME is root's, as on Fargate", func(t *testing.T) {
		bad := api.Clone()
		c := &bad.ContainerDefinitions[0]
		c.EntryPoint = []string{"/bin/sh", "-c"} // the stand-in distroless has a shell
		c.Command = []string{"touch /tmp/scratch"}
		c.HealthCheck = nil
		out, err := runner.Run(ctx, bad)
		if err == nil || !strings.Contains(err.Error(), "Permission denied") {
			t.Errorf("a write to an undeclared /tmp: %v\n%s", err, out)
		}
	})

	t.Run("refused: a write to the read-only root; /tmp is writable; not root", func(t *testing.T) {
		bad := flyway.Clone()
		c := &bad.ContainerDefinitions[0]
		c.EntryPoint = []string{"/bin/sh", "-c"}
		c.Command = []string{"id -u; touch /tmp/scratch && echo tmp-writable; touch /flyway/sql/new.sql"}
		out, err := runner.Run(ctx, bad)
		if err == nil || !strings.Contains(err.Error(), "Read-only file system") {
			t.Errorf("a write to the root filesystem: %v\n%s", err, out)
		}
		if !strings.Contains(out, "65532\n") || !strings.Contains(out, "tmp-writable") {
			t.Errorf("the task ran as another user or could not write /tmp:\n%s", out)
		}
	})
}

// appRoleModel describes a role as PostgreSQL sees it: its attributes,
// its rights on the database and the public schema, and each privilege it
// has on each table and view.
const appRoleModel = `SELECT concat_ws(' | ', r.rolname, 'super=' || r.rolsuper, 'createrole=' || r.rolcreaterole, 'createdb=' || r.rolcreatedb,
  'login=' || r.rolcanlogin, 'inherit=' || r.rolinherit,
  'connect=' || has_database_privilege(r.rolname, current_database(), 'CONNECT'), 'create-in-db=' || has_database_privilege(r.rolname, current_database(), 'CREATE'),
  'schema-usage=' || has_schema_privilege(r.rolname, 'public', 'USAGE'), 'schema-create=' || has_schema_privilege(r.rolname, 'public', 'CREATE'),
  'tables=' || (SELECT string_agg(c.relname || ':' || p, ',' ORDER BY c.relname, p)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public',
         unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
    WHERE c.relkind IN ('r', 'p', 'v', 'm') AND has_table_privilege(r.rolname, c.oid, p)))
FROM pg_roles r WHERE r.rolname = '%s'`

// checkAppRole checks on one target that the app role reads and writes
// rows and is refused everything else, and returns its model.
func checkAppRole(t *testing.T, target, role string, psql func(...string) (string, error)) string {
	t.Helper()
	model, err := psql(fmt.Sprintf(appRoleModel, role))
	if err != nil || model == "" {
		t.Fatalf("%s: the app role %s: %v %q", target, role, err, model)
	}
	if _, err := psql("SET ROLE "+role, "SELECT count(*) FROM notes", "SELECT count(*) FROM note_summaries"); err != nil {
		t.Errorf("%s: the app role cannot read its notes: %v", target, err)
	}
	for statement, refusal := range map[string]string{
		"DROP TABLE notes":                   "must be owner of table notes",
		"CREATE ROLE intruder":               "permission denied to create role",
		"CREATE TABLE intruder (id int)":     "permission denied for schema public",
		"DELETE FROM flyway_schema_history":  "permission denied for table flyway_schema_history",
		"ALTER TABLE notes ADD COLUMN x int": "must be owner of table notes",
		"CREATE DATABASE intruder":           "permission denied to create database",
	} {
		out, err := psql("SET ROLE "+role, statement)
		if err == nil || !strings.Contains(err.Error(), refusal) {
			t.Errorf("%s: the app role ran %q: %v %s, want %q", target, statement, err, out, refusal)
		}
	}
	return model
}

// taskTargets are the -target flags that apply a cloud stack's task
// definitions and what the task runner reads besides: the log groups
// the tasks write to and the secrets' values.
func taskTargets(s *synth.Stack) []string {
	var args []string
	for _, typ := range []string{"aws_ecs_task_definition", "aws_cloudwatch_log_group", "aws_secretsmanager_secret_version"} {
		for id := range s.Resources(typ) {
			args = append(args, "-target="+typ+"."+id)
		}
	}
	return args
}

// envOf is a container's plain environment variable.
func envOf(c taskrun.Container, name string) string {
	for _, kv := range c.Environment {
		if kv.Name == name {
			return kv.Value
		}
	}
	return ""
}

// checkExampleTasksRun applies the cloudservice example program (built
// against the library's public packages) to the emulator and runs its
// task definitions: Flyway migrates its orders table, and the service's
// task reaches its database as the app's own role over TLS. The example
// has no application source, so the service runs serviceImage, the
// notes API's, whose /healthz answers once the database does.
func checkExampleTasksRun(t *testing.T, r *releaseTools, serviceImage string) {
	const region, project, app = "eu-west-2", "shop", "orders"
	examples := filepath.Join(repoRoot, "examples")
	bin, out := filepath.Join(t.TempDir(), "cloudservice"), t.TempDir()
	goCmd(t, examples, "build", "-o", bin, "./cloudservice")
	run := exec.Command(bin)
	run.Dir = filepath.Join(examples, "cloudservice")
	run.Env = append(os.Environ(), "CDKTF_OUTDIR="+out, "FULLSTACK_EMULATOR_ENDPOINT="+r.emu.Endpoint)
	if b, err := run.CombinedOutput(); err != nil {
		t.Fatalf("cloudservice: %v\n%s", err, b)
	}
	stack, err := synth.Read(out, project)
	if err != nil {
		t.Fatal(err)
	}
	// A track of its own beside staging's, with time to spare.
	tf := &harness.Terraform{Dir: stack.Dir, CLIConfig: r.d.cliConfig, Nice: harness.BackgroundNice}
	if err := tf.Init(); err != nil {
		t.Fatal(err)
	}
	if res, err := tf.Run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-var", "image_tag=example-1"}, taskTargets(stack)...)...); err != nil {
		t.Fatalf("apply: %v\n%s", err, tailOf(res.Output))
	}
	network := r.d.Name + "-example-vpc"
	docker(t, r, "network", "create", network)
	t.Cleanup(func() { _, _ = r.d.engine.Docker("network", "rm", network) })
	db := startRDSStandIn(t, r, region, project+"-"+app, network)
	runner := &taskrun.Runner{DockerHost: r.d.engine.Host, Emulator: r.emu, Region: region, Network: network, Prefix: r.d.Name + "-example"}
	flyway, err := runner.Describe(project + "-" + app + "-flyway")
	if err != nil {
		t.Fatal(err)
	}
	service, err := runner.Describe(project + "-" + app)
	if err != nil {
		t.Fatal(err)
	}
	// The images the task definitions name, pushed to the ECR stand-in as
	// a deploy would: Flyway with the example's migrations, and the
	// service's.
	ecrHost, flywayPath, _ := strings.Cut(flyway.ContainerDefinitions[0].Image, "/")
	_, servicePath, _ := strings.Cut(service.ContainerDefinitions[0].Image, "/")
	runner.ECR = map[string]string{ecrHost: r.ecr.Addr}
	migrations, err := flywaypkg.Load(filepath.Join(examples, "cloudservice", "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	ctxDir, err := dbspec.PrepareMigrationContext(filepath.Join(t.TempDir(), "ctx"), migrations)
	if err != nil {
		t.Fatal(err)
	}
	config := t.TempDir()
	user, password := r.ecrToken(t)
	docker(t, r, "--config", config, "login", "-u", user, "-p", password, r.ecr.Addr)
	docker(t, r, "build", "-q", "-t", r.ecr.Addr+"/"+flywayPath, ctxDir.Dir)
	docker(t, r, "tag", serviceImage, r.ecr.Addr+"/"+servicePath)
	for _, ref := range []string{flywayPath, servicePath} {
		docker(t, r, "--config", config, "push", "-q", r.ecr.Addr+"/"+ref)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := runner.Run(ctx, flyway); err != nil {
		t.Fatalf("the example's Flyway task: %v\n%s", err, out)
	}
	if tables := db.sql(t, r, db.database, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"); tables != "flyway_schema_history,orders" {
		t.Errorf("after the example's migrations the tables are %q", tables)
	}
	task, err := runner.Start(ctx, service)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Remove(context.Background())
	addr, err := task.HostAddress(ctx, 8080)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the example's service to reach its database", func() bool {
		code, _, _, err := fetch("GET", "http://"+addr+"/healthz")
		return err == nil && code == 200
	})
	if user := envOf(service.ContainerDefinitions[0], "PGUSER"); user != "" {
		t.Errorf("PGUSER is a plain variable: %s", user)
	}
	refusal, err := db.psql(r, db.database, "SET ROLE orders_app", "DROP TABLE orders")
	if err == nil || !strings.Contains(err.Error(), "must be owner of table orders") {
		t.Errorf("the example's app role dropped its table: %v %s", err, refusal)
	}
}
