package librarytest

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	"github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/constructs/dbspec"
)

// cloudBase is what every cloud construct test stands on: provider,
// network, the orders app's database, cluster and load balancer in stack
// "lib". The cluster is wired as a caller must wire it: the database's
// secret readable, a log group per service the tests add.
type cloudBase struct {
	app     cdktf.App
	stack   cdktf.TerraformStack
	net     *network.Network
	db      *appdatabase.Database
	cluster *ecscluster.Cluster
	lb      *loadbalancer.LoadBalancer
}

func newCloudBase(t *testing.T) cloudBase {
	t.Helper()
	app, stack := newStack(t, "lib")
	must(awsprovider.New(stack, "aws", awsprovider.Props{Region: "eu-west-2"}))(t)
	net := must(network.New(stack, "network", network.Props{
		CIDR: "10.1.0.0/16", Name: "lib", Region: "eu-west-2", Zones: []string{"eu-west-2a", "eu-west-2b"}, ServicePorts: []int{8080},
	}))(t)
	db := must(appdatabase.New(stack, "base-database", appdatabase.Props{
		Spec: dbspec.Spec{Project: "lib", App: "orders"}, EngineVersion: "16", Network: net,
	}))(t)
	var logs []ecscluster.AppLog
	for _, app := range []string{"orders", "ranker", "third", "late"} {
		logs = append(logs, ecscluster.AppLog{App: app, Name: "/lib/" + app})
	}
	cluster := must(ecscluster.New(stack, "cluster", ecscluster.Props{
		Name: "lib", ExecutionRoleName: "lib-execution", Logs: logs, SecretARNs: db.SecretARNs(),
	}))(t)
	lb := must(loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "lib", Network: net}))(t)
	return cloudBase{app, stack, net, db, cluster, lb}
}

// must takes a constructor's results and, given the test, fails it on
// the error or returns the value: must(network.New(...))(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (b cloudBase) service(t *testing.T, id string, props restservice.Props) *restservice.Service {
	t.Helper()
	props.Project, props.Port, props.HealthCheckPath = "lib", 8080, "/healthz"
	props.Repository, props.ImageTag = jsii.String("repo"), jsii.String("v1")
	props.Cluster, props.Network, props.LoadBalancer = b.cluster, b.net, b.lb
	props.LogGroup, props.Region = "/lib/"+props.App, "eu-west-2"
	return must(restservice.New(b.stack, id, props))(t)
}

// TestCloudService: defaults a caller gets (task size, autoscaling), the
// rule priorities the load balancer hands out, the origin secret every
// rule requires behind CloudFront, and the database wiring.
func TestCloudService(t *testing.T) {
	b := newCloudBase(t)
	db := b.db
	dir := filepath.Join(t.TempDir(), "build")
	writeFile(t, dir, "index.html", "<h1>hi</h1>")
	web := must(clientsite.New(b.stack, "web", clientsite.Props{Project: "lib", App: "web", Files: must(clientsite.Files(dir))(t), API: b.lb}))(t)
	b.service(t, "orders", restservice.Props{App: "orders", Route: restservice.Route{Path: "/orders/*"}, Database: db,
		Sites: []restservice.SiteRule{{Site: web}}})
	b.service(t, "ranker", restservice.Props{App: "ranker", Route: restservice.Route{Path: "/ranker/*"}})
	// A third service asking for a taken priority is refused, and adds nothing.
	_, err := restservice.New(b.stack, "late", restservice.Props{Project: "lib", App: "late", Port: 8080, HealthCheckPath: "/",
		Repository: jsii.String("r"), ImageTag: jsii.String("t"), Cluster: b.cluster, Network: b.net, LoadBalancer: b.lb,
		LogGroup: "/lib/late", Region: "eu-west-2", Priority: 10, Size: restservice.Size{CPU: 256, Memory: 300}})
	for _, part := range []string{"lib/late: Priority 10: is already taken",
		"lib/late: Size.Memory 300: is not a Fargate memory size for 256 CPU units (512-2048 MiB)"} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("bad service: want %q in %v", part, err)
		}
	}
	// The refused service claimed nothing: the next one gets 30.
	b.service(t, "third", restservice.Props{App: "third", Route: restservice.Route{Path: "/third/*"}})
	s := synthesize(t, b.app, "lib")

	want(t, "orders rule priority", only(t, s, "aws_lb_listener_rule", "orders_rule_")["priority"], 10.0)
	want(t, "orders site rule priority", only(t, s, "aws_lb_listener_rule", "orders_rule-site-web")["priority"], 5.0)
	want(t, "ranker rule priority", only(t, s, "aws_lb_listener_rule", "ranker_rule_")["priority"], 20.0)
	want(t, "third rule priority", only(t, s, "aws_lb_listener_rule", "third_rule_")["priority"], 30.0)
	if n := len(s.Resources("aws_lb_listener_rule")); n != 4 {
		t.Errorf("%d listener rules, want 4 (the refused service added none)", n)
	}
	if lb := only(t, s, "aws_lb", "alb"); lb["internal"] != true {
		t.Errorf("the load balancer is internet-facing: only CloudFront's VPC origin may reach it")
	}
	if n := len(s.Resources("aws_cloudfront_vpc_origin")); n != 1 {
		t.Errorf("%d VPC origins, want the load balancer's one", n)
	}
	task := only(t, s, "aws_ecs_task_definition", "orders")
	want(t, "cpu", task["cpu"], "256")
	want(t, "memory", task["memory"], "512")
	var defs []struct {
		Environment []struct{ Name, Value string }
		Secrets     []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(task["container_definitions"].(string)), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("container definitions: %v %v", defs, err)
	}
	env := map[string]string{}
	for _, e := range defs[0].Environment {
		env[e.Name] = e.Value
	}
	want(t, "PGDATABASE", any(env["PGDATABASE"]), "orders")
	want(t, "PGSSLMODE", any(env["PGSSLMODE"]), "require")
	var secrets []string
	for _, s := range defs[0].Secrets {
		secrets = append(secrets, s.Name)
	}
	if strings.Join(secrets, ",") != "PGUSER,PGPASSWORD" {
		t.Errorf("secrets = %v, want PGUSER and PGPASSWORD from the RDS secret", secrets)
	}
	scaling := only(t, s, "aws_appautoscaling_target", "orders")
	want(t, "min capacity", scaling["min_capacity"], 1.0)
	want(t, "max capacity", scaling["max_capacity"], 2.0)
}

// TestCloudDatabase: the secure defaults of an app's RDS instance.
func TestCloudDatabase(t *testing.T) {
	b := newCloudBase(t)
	must(appdatabase.New(b.stack, "db", appdatabase.Props{
		Spec: dbspec.Spec{Project: "lib", App: "orders"}, EngineVersion: "16", Network: b.net, BackupRetentionDays: 7,
	}))(t)
	_, err := appdatabase.New(b.stack, "small", appdatabase.Props{
		Spec: dbspec.Spec{Project: "lib", App: "small"}, EngineVersion: "16", Network: b.net, AllocatedStorage: 5,
	})
	if err == nil || !strings.Contains(err.Error(), "lib/small: AllocatedStorage 5: must be 20-65536 GiB") {
		t.Errorf("small storage: got %v", err)
	}
	db := only(t, synthesize(t, b.app, "lib"), "aws_db_instance", "db_instance")
	want(t, "instance class", db["instance_class"], appdatabase.DefaultInstanceClass)
	want(t, "allocated storage", db["allocated_storage"], float64(appdatabase.DefaultAllocatedStorage))
	want(t, "storage encrypted", db["storage_encrypted"], true)
	want(t, "publicly accessible", db["publicly_accessible"], false)
	want(t, "deletion protection", db["deletion_protection"], true)
	want(t, "final snapshot", db["final_snapshot_identifier"], "lib-orders-final")
	want(t, "managed password", db["manage_master_user_password"], true)
}

// TestCloudSite: a site with its API behind the same distribution, the
// default cache TTLs, and a versioned private bucket.
func TestCloudSite(t *testing.T) {
	b := newCloudBase(t)
	dir := filepath.Join(t.TempDir(), "build")
	writeFile(t, dir, "index.html", "<h1>hi</h1>")
	files := must(clientsite.Files(dir))(t)
	must(clientsite.New(b.stack, "site", clientsite.Props{Project: "lib", App: "web", Files: files, API: b.lb}))(t)
	_, err := clientsite.New(b.stack, "domain", clientsite.Props{Project: "lib", App: "d", Files: files, Domain: "shop.example.com"})
	if err == nil || !strings.Contains(err.Error(), "lib/domain: CertificateARN (with Domain) is required") {
		t.Errorf("domain without certificate: got %v", err)
	}
	s := synthesize(t, b.app, "lib")
	dist := only(t, s, "aws_cloudfront_distribution", "site")
	raw, _ := json.Marshal(dist)
	for _, part := range []string{`"default_ttl":3600`, `"max_ttl":86400`, `"path_pattern":"/api/*"`, `"viewer_protocol_policy":"redirect-to-https"`} {
		if !strings.Contains(string(raw), part) {
			t.Errorf("distribution lacks %s", part)
		}
	}
	want(t, "versioning", only(t, s, "aws_s3_bucket_versioning", "site")["versioning_configuration"].(map[string]any)["status"], "Enabled")
	if n := len(s.Resources("aws_s3_object")); n != 1 {
		t.Errorf("%d objects uploaded, want 1", n)
	}
}

// TestCrossStackReference: a construct wired to one of another stack is
// refused with the stacks named, before anything is added.
func TestCrossStackReference(t *testing.T) {
	b := newCloudBase(t)
	other := cdktf.NewTerraformStack(b.app, jsii.String("other"))
	must(awsprovider.New(other, "aws", awsprovider.Props{Region: "eu-west-2"}))(t)
	_, err := loadbalancer.New(other, "lb", loadbalancer.Props{Name: "other", Network: b.net})
	if err == nil || !strings.Contains(err.Error(), `other/lb: Network is in stack "lib", not in this construct's stack "other"`) {
		t.Errorf("cross-stack network: got %v", err)
	}
	if n := len(*other.Node().Children()); n != 1 {
		t.Errorf("stack other has %d children, want only its provider", n)
	}
}

// TestRetentionValues: a log retention CloudWatch does not accept is
// refused by the network (flow logs) and the cluster (app logs) alike.
func TestRetentionValues(t *testing.T) {
	_, stack := newStack(t, "lib")
	_, err := network.New(stack, "network", network.Props{
		CIDR: "10.1.0.0/16", Name: "lib", Region: "eu-west-2", Zones: []string{"eu-west-2a", "eu-west-2b"}, FlowLogRetentionDays: 8,
	})
	if err == nil || !strings.Contains(err.Error(), "lib/network: FlowLogRetentionDays 8: is not a retention CloudWatch accepts") {
		t.Errorf("flow log retention 8: got %v", err)
	}
	_, err = ecscluster.New(stack, "cluster", ecscluster.Props{Name: "lib", ExecutionRoleName: "lib-exec", LogRetentionDays: 8})
	if err == nil || !strings.Contains(err.Error(), "lib/cluster: LogRetentionDays 8: is not a value CloudWatch accepts") {
		t.Errorf("log retention 8: got %v", err)
	}
}

// TestCloudTaskWiring: a service or migration task whose database secret
// the cluster's execution role may not read, or whose log group the
// cluster lacks, is refused at construction (the emulator would apply it;
// AWS would never start the task).
// TestSiteRuleNamesARealSite: a site rule takes the site itself, and one
// whose site sends /api/ elsewhere is refused.
func TestSiteRuleNamesARealSite(t *testing.T) {
	b := newCloudBase(t)
	dir := filepath.Join(t.TempDir(), "build")
	writeFile(t, dir, "index.html", "<h1>hi</h1>")
	static := must(clientsite.New(b.stack, "static", clientsite.Props{Project: "lib", App: "static", Files: must(clientsite.Files(dir))(t)}))(t)
	_, err := restservice.New(b.stack, "orders", restservice.Props{Project: "lib", App: "orders", Port: 8080, HealthCheckPath: "/",
		Repository: jsii.String("r"), ImageTag: jsii.String("t"), Cluster: b.cluster, Network: b.net, LoadBalancer: b.lb,
		Sites: []restservice.SiteRule{{Site: static}, {}}})
	for _, part := range []string{`lib/orders: Sites[0].Site "static": does not send /api/ to this service's load balancer`, "lib/orders: Sites[1].Site is required (nil)"} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("site rules: %v, want %q", err, part)
		}
	}
}

func TestCloudTaskWiring(t *testing.T) {
	b := newCloudBase(t)
	other := must(appdatabase.New(b.stack, "other-database", appdatabase.Props{
		Spec: dbspec.Spec{Project: "lib", App: "other"}, EngineVersion: "16", Network: b.net,
	}))(t)
	_, err := restservice.New(b.stack, "other", restservice.Props{Project: "lib", App: "other", Port: 8080, HealthCheckPath: "/",
		Repository: jsii.String("r"), ImageTag: jsii.String("t"), Cluster: b.cluster, Network: b.net, LoadBalancer: b.lb,
		LogGroup: "/lib/other", Region: "eu-west-2", Database: other, Route: restservice.Route{Path: "/other/*"}})
	for _, part := range []string{
		`lib/other: LogGroup "/lib/other": is not one of the cluster's log groups`,
		`lib/other: Database's app role secret "`, `is a secret the cluster's execution role may not read: add it to ecscluster.Props.SecretARNs`,
	} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("an unwired service: %v, want %q", err, part)
		}
	}
	_, err = appdatabase.NewMigrationTask(b.stack, "other-migrations", appdatabase.MigrationTaskProps{
		DB: other, Repository: jsii.String("r"), Cluster: b.cluster, Network: b.net, LogGroup: "/lib/other/flyway", Region: "eu-west-2"})
	if err == nil || !strings.Contains(err.Error(), `lib/other-migrations: LogGroup "/lib/other/flyway": is not one of the cluster's log groups`) ||
		!strings.Contains(err.Error(), "DB's secret") {
		t.Errorf("an unwired migration task: %v", err)
	}
}

// TestTwoServicesOneRoute: a second service on a route another service
// holds would synthesize and never receive a request; it is refused,
// naming the route and the app that holds it, not a priority.
func TestTwoServicesOneRoute(t *testing.T) {
	b := newCloudBase(t)
	b.service(t, "orders", restservice.Props{App: "orders", Route: restservice.Route{Path: "/orders/*"}})
	b.service(t, "ranker", restservice.Props{App: "ranker"})
	props := func(app string, route restservice.Route) restservice.Props {
		return restservice.Props{Project: "lib", App: app, Port: 8080, HealthCheckPath: "/healthz",
			Repository: jsii.String("r"), ImageTag: jsii.String("t"), Cluster: b.cluster, Network: b.net, LoadBalancer: b.lb,
			LogGroup: "/lib/orders", Region: "eu-west-2", Route: route}
	}
	_, err := restservice.New(b.stack, "billing", props("billing", restservice.Route{Path: "/orders/*"}))
	want := `lib/billing: Route "path /orders/*": is the route of app "orders"'s service on this load balancer already: this one would never receive a request; give it its own Route.Host or Route.Path`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("the same route twice: %v\nwant %s", err, want)
	}
	_, err = restservice.New(b.stack, "second", props("second", restservice.Route{}))
	want = `lib/second: Route "(none)": is empty, but the service of app "ranker" already has no route on this load balancer: a service without a route takes every request no other rule matches, and only one can; give this one a Route.Host or Route.Path`
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "Priority") {
		t.Errorf("a second service without a route: %v\nwant %s, and no word of priorities", err, want)
	}
}

// TestMigrationRunIsADependencyOnTheEmulatorToo: the emulator starts no
// task, yet a service lists the migration run in After on both targets
// (it once was nil there, and After[0] was refused as nil).
func TestMigrationRunIsADependencyOnTheEmulatorToo(t *testing.T) {
	b := newCloudBase(t)
	migrate := must(appdatabase.NewMigrationTask(b.stack, "orders-migrations", appdatabase.MigrationTaskProps{
		DB: b.db, Repository: jsii.String("r"), Cluster: b.cluster, Network: b.net, LogGroup: "/lib/third", Region: "eu-west-2",
		Emulator: &awsprovider.Emulator{Endpoint: "http://127.0.0.1:5000"},
	}))(t)
	if migrate.Run == nil {
		t.Fatal("the migration run is nil on the emulator")
	}
	b.service(t, "orders", restservice.Props{App: "orders", Database: b.db, After: []cdktf.ITerraformDependable{migrate.Run}})
}
