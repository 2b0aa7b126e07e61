package stacks_test

import (
	"encoding/json"
	"fmt"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
)

func TestRDSInstance(t *testing.T) {
	s := plain.Stacks["cloud"]
	dbID := onlyID(t, s, "aws_db_instance")
	db := s.Resources("aws_db_instance")[dbID]
	want := map[string]any{
		"identifier": "shop-orders", "engine": "postgres", "engine_version": "16", "instance_class": "db.t4g.micro",
		"allocated_storage": 20, "max_allocated_storage": 100, "storage_type": "gp3", "storage_encrypted": true,
		"db_name": "orders", "username": "orders", "manage_master_user_password": true, "publicly_accessible": false,
		"backup_retention_period": 7, "deletion_protection": true, "skip_final_snapshot": false,
		"final_snapshot_identifier": "shop-orders-final", "copy_tags_to_snapshot": true,
		"delete_automated_backups": false,
	}
	for k, v := range want {
		eq(t, db, k, v)
	}
	if _, ok := db["password"]; ok {
		t.Error("the master password must be managed by RDS, not set")
	}
	sg := idOf(t, s, "aws_security_group", "name", "shop-production-database")
	eq(t, db, "vpc_security_group_ids", []any{ref("aws_security_group", sg, "id")})
	subnetGroup := onlyID(t, s, "aws_db_subnet_group")
	eq(t, db, "db_subnet_group_name", ref("aws_db_subnet_group", subnetGroup, "name"))
	private := fmt.Sprint(s.Resources("aws_db_subnet_group")[subnetGroup]["subnet_ids"])
	for id, sn := range s.Resources("aws_subnet") {
		in := strings.Contains(private, "aws_subnet."+id+".id")
		if tier := get(t, sn, "tags.tier"); (tier == "private") != in {
			t.Errorf("subnet %s (%v) in the DB subnet group: %v", id, tier, in)
		}
	}
	pgID := onlyID(t, s, "aws_db_parameter_group")
	pg := s.Resources("aws_db_parameter_group")[pgID]
	eq(t, pg, "family", "postgres16")
	eq(t, pg, "lifecycle.create_before_destroy", true)
	if params := fmt.Sprint(pg["parameter"]); !strings.Contains(params, "name:rds.force_ssl value:1") {
		t.Errorf("parameter group does not force TLS: %s", params)
	}
	eq(t, db, "parameter_group_name", ref("aws_db_parameter_group", pgID, "name"))

	outs := s.Outputs()
	eq(t, outs, "database_endpoints.value.orders", ref("aws_db_instance", dbID, "address"))
	eq(t, outs, "database_secret_arns.value.orders", "${aws_db_instance."+dbID+".master_user_secret[0].secret_arn}")
	eq(t, outs, "database_app_role_secret_arns.value.orders", ref("aws_secretsmanager_secret", idOf(t, s, "aws_secretsmanager_secret", "name", "shop/orders/db-app-role"), "arn"))
}

func TestRDSDisposable(t *testing.T) {
	// The emulated project keeps the defaults except disposable; see TestMain.
	db, err := perAZ.Stacks["cloud"].Only("aws_db_instance")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, db, "deletion_protection", false)
	eq(t, db, "skip_final_snapshot", true)
	if _, ok := db["final_snapshot_identifier"]; ok {
		t.Error("a disposable database takes no final snapshot")
	}
	if _, ok := db["delete_automated_backups"]; ok {
		t.Error("a disposable database keeps no backups after it is deleted")
	}
}

func TestFlywayTaskOnAWS(t *testing.T) {
	s := plain.Stacks["cloud"]
	tdID := idOf(t, s, "aws_ecs_task_definition", "family", "shop-orders-flyway")
	td := s.Resources("aws_ecs_task_definition")[tdID]
	eq(t, td, "family", "shop-orders-flyway")
	eq(t, td, "requires_compatibilities", []any{"FARGATE"})
	eq(t, td, "network_mode", "awsvpc")
	exec := idOf(t, s, "aws_iam_role", "name", "shop-production-exec")
	eq(t, td, "execution_role_arn", ref("aws_iam_role", exec, "arn"))
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	d := defs[0]
	dbID := onlyID(t, s, "aws_db_instance")
	repo := idOf(t, s, "aws_ecr_repository", "name", "shop/api/orders")
	if !strings.HasPrefix(d["image"].(string), ref("aws_ecr_repository", repo, "repository_url")+":flyway-") {
		t.Errorf("image = %v", d["image"])
	}
	secrets := fmt.Sprint(d["secrets"])
	secretRef := "${aws_db_instance." + dbID + ".master_user_secret[0].secret_arn}"
	appRole := idOf(t, s, "aws_secretsmanager_secret", "name", "shop/orders/db-app-role")
	for _, want := range []string{"name:FLYWAY_USER valueFrom:" + secretRef + ":username::", "name:FLYWAY_PASSWORD valueFrom:" + secretRef + ":password::",
		"name:" + dbspec.AppRolePasswordPlaceholder + " valueFrom:" + ref("aws_secretsmanager_secret", appRole, "arn") + ":password::"} {
		if !strings.Contains(secrets, want) {
			t.Errorf("secrets lack %s: %s", want, secrets)
		}
	}
	env := fmt.Sprint(d["environment"])
	if strings.Contains(env, "PASSWORD") || !strings.Contains(env, "jdbc:postgresql://"+ref("aws_db_instance", dbID, "address")+":5432/orders?sslmode=require") ||
		!strings.Contains(env, "name:"+dbspec.AppRolePlaceholder+" value:orders_app") || !strings.Contains(env, "name:FLYWAY_LOCATIONS value:filesystem:/flyway/sql") {
		t.Errorf("environment = %s", env)
	}
	// The app role's login: drawn by AWS once (letters and digits, as the
	// callback's SQL literal needs), then kept.
	version := s.Resources("aws_secretsmanager_secret_version")[idOf(t, s, "aws_secretsmanager_secret_version", "secret_id", ref("aws_secretsmanager_secret", appRole, "id"))]
	eq(t, version, "lifecycle.ignore_changes", []any{"secret_string"})
	if got := fmt.Sprint(version["secret_string"]); !strings.Contains(got, `"username" = "orders_app"`) || !strings.Contains(got, "data.aws_secretsmanager_random_password.") {
		t.Errorf("app role secret_string = %s", got)
	}
	for _, pw := range s.Data("aws_secretsmanager_random_password") {
		eq(t, pw, "exclude_punctuation", true)
	}
	eq(t, d, "logConfiguration.options.awslogs-group", "/shop/orders/flyway")

	var run map[string]any
	for id, r := range s.Resources("terraform_data") {
		if strings.HasPrefix(id, "migrations-orders") {
			run = r
		}
	}
	if run == nil {
		t.Fatal("no migration run for orders")
	}
	if tr := run["triggers_replace"].([]any); len(tr) != 3 || tr[0] != ref("aws_ecs_task_definition", tdID, "arn") || len(tr[1].(string)) != 64 || !strings.HasSuffix(fmt.Sprint(tr[2]), ".version_id}") {
		t.Errorf("triggers_replace = %v: the task definition, the migrations hash and the app role secret's version", tr)
	}
	prov := run["provisioner"].([]any)[0].(map[string]any)["local-exec"].(map[string]any)
	if cmd := prov["command"].(string); cmd != strings.ReplaceAll(appdatabase.RunScript, "${", "$${") {
		t.Errorf("command is not the escaped run script:\n%s", cmd)
	}
	eq(t, prov, "environment.ASSIGN_PUBLIC_IP", "DISABLED") // single NAT: private subnets
	eq(t, prov, "environment.TASK_DEFINITION", ref("aws_ecs_task_definition", tdID, "arn"))
	for id, r := range emulated.Stacks["cloud"].Resources("terraform_data") {
		if _, runs := r["provisioner"]; strings.HasPrefix(id, "migrations-") && runs {
			t.Errorf("emulator mode must not run migrations during apply, found %s with a provisioner", id)
		}
	}
}

func TestPerAppDatabaseSettings(t *testing.T) {
	// per-az: orders overrides class and storage; the rest (disposable,
	// see TestRDSDisposable) is cloud.database's.
	db := perAZ.Stacks["cloud"].Resources("aws_db_instance")[onlyID(t, perAZ.Stacks["cloud"], "aws_db_instance")]
	eq(t, db, "instance_class", "db.r6g.large")
	eq(t, db, "allocated_storage", 100)
	eq(t, db, "max_allocated_storage", 100)
	// plain: the project-wide defaults.
	def := plain.Stacks["cloud"].Resources("aws_db_instance")[onlyID(t, plain.Stacks["cloud"], "aws_db_instance")]
	eq(t, def, "instance_class", "db.t4g.micro")
	eq(t, def, "allocated_storage", 20)
}
