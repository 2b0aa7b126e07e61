package stacks_test

import (
	"encoding/json"
	"fmt"
	"github.com/homecloud-dev/fullstack/alerting"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/stacks"
)

// Synthesize once per test binary (jsii start-up costs seconds): plain
// (production: single NAT), emulated (emulator mode, remote state, no NAT,
// a registry with auth and TLS, an API with a domain of its own), perAZ
// (per-az NAT, flow logs, a site domain, egress rules, interface
// endpoints), secured (every cloud.security option) and teardown (the
// on-prem data volumes unprotected, an off-site copy). internal/synth checks each stack's
// task wiring (internal/graphcheck) as it reads it back.
var plain, emulated, perAZ, secured, teardown *synth.Output

const secretInEnv = "must-never-reach-cdk-tf-json"

// projectDir holds the migrations of the test project's "orders" app.
var projectDir string

func project(mut func(*config.Project)) *config.Project {
	p := &config.Project{
		Dir:    projectDir,
		Name:   "shop",
		OnPrem: config.OnPrem{DockerHost: "ssh://deploy@homeserver", Network: config.DockerNetwork{Subnet: "172.30.0.0/16"}},
		Cloud:  config.Cloud{Region: "eu-west-2", VPCCIDR: "10.20.0.0/16"},
		Apps: []config.App{
			{Name: "orders", Kind: config.KindAPI, Database: config.AppDatabase{Enabled: true}, Secrets: []string{"STRIPE_API_KEY"},
				Env: map[string]string{"GREETING": "${not_an_expression}"}},
			{Name: "ranker", Kind: config.KindModel, Port: 9000, HealthCheckCommand: []string{"CMD", "/ranker", "-healthcheck"}},
			{Name: "web", Kind: config.KindSite, Site: config.Site{API: "orders"}},
		},
	}
	p.Cloud.GitHub = config.GitHub{Owner: "acme", Repo: "shop", Environment: "production"}
	if mut != nil {
		mut(p)
	}
	return p
}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "stacks-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		projectDir = filepath.Join(dir, "project")
		for name, content := range map[string]string{
			"migrations/orders/V1__create_orders.sql": "create table orders (id bigint primary key);",
			"migrations/orders/R__orders_view.sql":    "create or replace view v as select 1;",
			"apps/orders/Dockerfile":                  "FROM scratch\nCOPY orders /orders\n",
			"apps/orders/main.go":                     "package main\n",
			"apps/ranker/Dockerfile":                  "FROM scratch\n",
			"apps/web/index.html":                     "<!doctype html><title>shop</title>\n",
			"apps/web/assets/app.0123abcd.js":         "console.log('shop');\n",
		} {
			path := filepath.Join(projectDir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		// A password in the environment must not leak into the JSON.
		os.Setenv("TF_VAR_"+config.PostgresPasswordVariable, secretInEnv)
		os.Setenv("TF_VAR_"+config.AppSecretVariable("orders", "STRIPE_API_KEY"), secretInEnv)
		if plain, err = synth.Project(project(nil), filepath.Join(dir, "plain")); err != nil {
			fmt.Fprintln(os.Stderr, "synth plain:", err)
			return 1
		}
		emu := project(func(p *config.Project) {
			p.Cloud.Emulator.Endpoint = "http://127.0.0.1:4566"
			p.Cloud.StateBackend = config.StateBackend{Bucket: "shop-tfstate", LockTable: "shop-tflock"}
			p.Cloud.NAT = config.NATNone
			p.OnPrem.Registry = config.Registry{BindAddress: "0.0.0.0", Port: 5443, HTPasswd: true,
				TLS:    config.RegistryTLS{CertFile: "/etc/registry/tls.crt", KeyFile: "/etc/registry/tls.key"},
				Backup: config.RegistryBackup{Schedule: "0 */6 * * *", Keep: 3}}
			p.OnPrem.Postgres.ImageTag = "16.4"
			// An API no site serves, on a domain of its own.
			p.Apps[1].Domain = "rank.shop.example.com"
			p.Apps[1].CertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"
			p.Apps[0].Exec = true
		})
		if emulated, err = synth.Project(emu, filepath.Join(dir, "emulated")); err != nil {
			fmt.Fprintln(os.Stderr, "synth emulated:", err)
			return 1
		}
		az3 := project(func(p *config.Project) {
			p.Cloud.NAT = config.NATPerAZ
			p.Cloud.FlowLogs = true
			p.Cloud.AvailabilityZones = []string{"eu-west-2a", "eu-west-2b", "eu-west-2c"}
			p.Cloud.LogRetentionDays = 90
			p.Cloud.Database.Disposable = true
			p.Apps[2].Site.Domain = "shop.example.com" // certificate looked up in us-east-1
			p.Cloud.InterfaceEndpoints = true
			p.Apps[0].Database = config.AppDatabase{Enabled: true, InstanceClass: "db.r6g.large", AllocatedStorage: 100}
			p.Apps[1].Egress = []config.Egress{{To: "203.0.113.0/24", Port: 25}, {To: "198.51.100.7/32", Port: 123, Protocol: "udp"}}
		})
		if perAZ, err = synth.Project(az3, filepath.Join(dir, "per-az")); err != nil {
			fmt.Fprintln(os.Stderr, "synth per-az:", err)
			return 1
		}
		all := project(func(p *config.Project) {
			p.Cloud.Security = config.Security{WAF: config.WAF{Enabled: true, RateLimit: 300}, AccessLogs: config.AccessLogs{Enabled: true, RetentionDays: 30}, KMS: true}
			p.Alerts = alerting.Settings{Email: []string{"ops@shop.example.com"}, Webhooks: []string{"https://hooks.shop.example.com/alerts"},
				Thresholds: alerting.Thresholds{ServiceP99Seconds: 0.5}}
			p.OnPrem.Monitoring.SMTP = alerting.SMTP{Smarthost: "smtp.shop.example.com:587", From: "alerts@shop.example.com", Username: "alerts"}
			p.Cloud.FlowLogs = true
			p.Cloud.Backup = config.Backup{Enabled: true, CopyRegion: "eu-central-1", RestoreTesting: true}
		})
		if secured, err = synth.Project(all, filepath.Join(dir, "secured")); err != nil {
			fmt.Fprintln(os.Stderr, "synth secured:", err)
			return 1
		}
		// teardown also copies off-site (which needs a local engine).
		withOffsite := project(func(p *config.Project) {
			p.OnPrem.DockerHost = "unix:///var/run/docker.sock"
			p.OnPrem.Offsite = config.Offsite{Repository: "s3:https://s3.eu-west-2.amazonaws.com/shop-backups/staging", Region: "eu-west-2"}
		})
		if teardown, err = synth.ProjectWith(withOffsite, filepath.Join(dir, "teardown"), stacks.Options{DeleteOnPremData: true, StateDir: "/var/lib/fullstack/shop"}); err != nil {
			fmt.Fprintln(os.Stderr, "synth teardown:", err)
			return 1
		}
		return m.Run()
	}())
}

func get(t *testing.T, m map[string]any, path string) any {
	t.Helper()
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %q is not an object in %v", path, k, cur)
		}
		cur = obj[k]
	}
	return cur
}

func eq(t *testing.T, m map[string]any, path string, want any) {
	t.Helper()
	// want goes through JSON like the synthesized value did, so types
	// count: "true" is not true, "5000" is not 5000.
	raw, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var norm any
	if err := json.Unmarshal(raw, &norm); err != nil {
		t.Fatal(err)
	}
	if got := get(t, m, path); !reflect.DeepEqual(got, norm) {
		t.Errorf("%s = %#v, want %#v", path, got, norm)
	}
}

// onlyDataID is the logical id of the single data source of a type.
func onlyDataID(t *testing.T, s *synth.Stack, typ string) string {
	t.Helper()
	of := s.Data(typ)
	if len(of) != 1 {
		t.Fatalf("%d %s data sources, want 1", len(of), typ)
	}
	for id := range of {
		return id
	}
	return ""
}

// onlyID is the logical id of the single resource of a type.
func onlyID(t *testing.T, s *synth.Stack, typ string) string {
	t.Helper()
	rs := s.Resources(typ)
	if len(rs) != 1 {
		t.Fatalf("%d %s resources, want 1", len(rs), typ)
	}
	for id := range rs {
		return id
	}
	return ""
}

func TestCloudVPC(t *testing.T) {
	vpc, err := plain.Stacks["cloud"].Only("aws_vpc")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, vpc, "cidr_block", "10.20.0.0/16")
	eq(t, vpc, "enable_dns_support", true)
	eq(t, vpc, "enable_dns_hostnames", true)
	eq(t, vpc, "tags.Name", "shop-production")
}

func TestCloudProvider(t *testing.T) {
	s := plain.Stacks["cloud"]
	aws := s.Provider("aws")
	eq(t, aws, "region", "eu-west-2")
	tags := get(t, aws, "default_tags").([]any)[0].(map[string]any)["tags"].(map[string]any)
	for k, v := range map[string]string{"project": "shop", "environment": "production", "managed-by": stacks.ManagedBy} {
		if tags[k] != v {
			t.Errorf("default tag %s = %v, want %s", k, tags[k], v)
		}
	}
	for _, k := range []string{"endpoints", "access_key", "skip_credentials_validation"} {
		if _, ok := aws[k]; ok {
			t.Errorf("real-AWS provider must not set %s: %v", k, aws[k])
		}
	}
	eq(t, s.Terraform(), "required_providers.aws.version", awsprovider.Version)
	eq(t, s.Terraform(), "backend.local.path", filepath.Join(plain.Dir, "terraform.cloud.tfstate"))
}

func TestCloudOutputs(t *testing.T) {
	s := plain.Stacks["cloud"]
	vpcID := onlyID(t, s, "aws_vpc")
	outs := s.Outputs()
	eq(t, outs, "vpc_id.value", "${aws_vpc."+vpcID+".id}")
	eq(t, outs, "vpc_cidr.value", "${aws_vpc."+vpcID+".cidr_block}")
	eq(t, outs, "region.value", "eu-west-2")
	for name, o := range outs {
		if o.(map[string]any)["description"] == nil {
			t.Errorf("output %s has no description", name)
		}
	}
}

func TestEmulatorMode(t *testing.T) {
	aws := emulated.Stacks["cloud"].Provider("aws")
	endpoints := get(t, aws, "endpoints").([]any)[0].(map[string]any)
	for _, svc := range awsprovider.EmulatedServices {
		if endpoints[svc] != "http://127.0.0.1:4566" {
			t.Errorf("endpoint %s = %v, want the emulator", svc, endpoints[svc])
		}
	}
	for _, k := range []string{"skip_credentials_validation", "skip_requesting_account_id", "s3_use_path_style"} {
		eq(t, aws, k, true)
	}
	eq(t, aws, "skip_metadata_api_check", "true")
	eq(t, aws, "max_retries", 3)
}

func TestS3Backend(t *testing.T) {
	tf := emulated.Stacks["cloud"].Terraform()
	if _, ok := get(t, tf, "backend").(map[string]any)["local"]; ok {
		t.Fatal("a configured bucket must replace the local backend")
	}
	eq(t, tf, "backend.s3.bucket", "shop-tfstate")
	eq(t, tf, "backend.s3.key", "shop/cloud.tfstate")
	eq(t, tf, "backend.s3.dynamodb_table", "shop-tflock")
	eq(t, tf, "backend.s3.encrypt", true)
	eq(t, tf, "backend.s3.region", "eu-west-2")
	eq(t, tf, "backend.s3.endpoints.s3", "http://127.0.0.1:4566")
	eq(t, tf, "backend.s3.use_path_style", true)
}

func TestOnPremProviders(t *testing.T) {
	s := plain.Stacks["onprem"]
	eq(t, s.Provider("docker"), "host", "ssh://deploy@homeserver")
	pg := s.Provider("postgresql")
	eq(t, pg, "host", "127.0.0.1")
	eq(t, pg, "port", 5432)
	eq(t, pg, "username", "postgres")
	eq(t, pg, "password", "${var."+config.PostgresPasswordVariable+"}")
	v := s.Variables()
	eq(t, v, config.PostgresPasswordVariable+".sensitive", true)
	eq(t, v, config.PostgresPasswordVariable+".type", "string")
	eq(t, s.Terraform(), "required_providers.docker.version", dockerprovider.Version)
	eq(t, s.Terraform(), "required_providers.postgresql.version", postgresqlprovider.Version)
	eq(t, s.Terraform(), "backend.local.path", filepath.Join(plain.Dir, "terraform.onprem.tfstate"))
}

func TestNoSecretInJSON(t *testing.T) {
	for _, out := range []*synth.Output{plain, emulated} {
		for name, s := range out.Stacks {
			if strings.Contains(string(s.Raw), secretInEnv) {
				t.Errorf("stack %s: the password from the environment is in cdk.tf.json", name)
			}
		}
	}
}

func TestOnPremNetwork(t *testing.T) {
	s := plain.Stacks["onprem"]
	n, err := s.Only("docker_network")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, n, "name", "shop-platform")
	eq(t, n, "driver", "bridge")
	eq(t, n, "ipam_config", []any{map[string]any{"subnet": "172.30.0.0/16"}})
	labels := map[string]string{}
	for _, l := range n["labels"].([]any) {
		lm := l.(map[string]any)
		labels[lm["label"].(string)] = lm["value"].(string)
	}
	want := map[string]string{"project": "shop", "environment": "staging", "managed-by": stacks.ManagedBy}
	if fmt.Sprint(labels) != fmt.Sprint(want) {
		t.Errorf("labels = %v, want %v", labels, want)
	}
	outs := s.Outputs()
	eq(t, outs, "platform_network.value", "${docker_network."+onlyID(t, s, "docker_network")+".name}")
	eq(t, outs, "postgres_address.value", "127.0.0.1:5432")
}

func TestBuildRejectsBadProjectBeforeCreatingStacks(t *testing.T) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
	bad := project(func(p *config.Project) { p.Cloud.Region = "mars"; p.Apps[0].Kind = "worker" })
	_, err := stacks.Build(app, bad, stacks.Options{})
	if fes := config.FieldErrors(err); len(fes) != 2 {
		t.Fatalf("want the 2 problems at once, got %v", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("a rejected project left %d stacks in the app", n)
	}
}
