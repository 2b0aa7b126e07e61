package tests

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/homecloud-dev/fullstack/alerting"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
	"github.com/homecloud-dev/fullstack/internal/synth"
	"github.com/homecloud-dev/fullstack/stacks"
)

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

// variant is the repository project with another name (so parallel
// applies in one emulator do not collide) and changes.
func variant(t *testing.T, name string, change func(*config.Project)) *config.Project {
	p := loadRepoProject(t)
	p.Name = name
	p.OnPrem.Network.Name = ""
	change(p)
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

// addRanker adds an api app no site serves (a distribution of its own).
func addRanker(p *config.Project) {
	p.Apps = append(p.Apps, config.App{Name: "notes-ranker", Kind: config.KindModel, Source: "apps/notes-api", Port: 9000, HostPort: 9000,
		HealthCheckCommand: []string{"CMD", "/notes-api", "-healthcheck"}})
	p.Apps[0].Route = config.Route{Path: "/notes/*"}
	p.Apps[2].Route = config.Route{Path: "/rank/*"}
}

// withDomains gives the site a domain whose wildcard certificate is looked
// up in us-east-1, and the API no site serves a domain with its
// certificate's ARN.
func withDomains(p *config.Project, ranker string) {
	p.Apps[1].Site.Domain, p.Apps[1].Site.CertificateDomain = "notes.example.com", "*.example.com"
	p.Apps[2].Domain, p.Apps[2].CertificateARN = "rank.example.com", ranker
}

// TestStacksValidate runs terraform init and validate on every stack with
// the real providers: the AWS stacks configured for real AWS with every
// optional resource switched on, custom domains on a site and on an API no
// site serves, and the onprem stack (see checkOnPremStack, which shares
// this synthesis). The default project is validated by its apply.
func TestStacksValidate(t *testing.T) {
	inShortLane(t)
	p := variant(t, "notes", func(p *config.Project) {
		p.Cloud.NAT = config.NATPerAZ
		p.Cloud.FlowLogs = true
		p.Cloud.StateBackend = config.StateBackend{Bucket: "notes-state", LockTable: "notes-lock"}
		addRanker(p)
		withDomains(p, "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f")
	})
	out, err := synth.Project(p, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cli := harnesstest.CLIConfigT(t)
	t.Run(stacks.OnPremName, func(t *testing.T) { checkOnPremStack(t, out.Stacks[stacks.OnPremName], cli) })
	for _, name := range []string{stacks.BootstrapName, stacks.CloudName} {
		t.Run(name, func(t *testing.T) {
			tf := &harness.Terraform{Dir: out.Stacks[name].Dir, CLIConfig: cli}
			// The S3 backend is not reachable here; validate needs no backend.
			if _, err := tf.Run("init", "-backend=false", "-input=false", "-no-color"); err != nil {
				t.Fatal(err)
			}
			if err := tf.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// emulatorReadBack are the attributes moto 5.2.1 reads back differently
// from AWS after a correct apply (../shared/EMULATOR.md); a second plan may
// show only these. On AWS they plan clean, and production code carries no
// ignore_changes for them.
var emulatorReadBack = map[string]bool{
	"aws_db_parameter_group.parameter":                  true, // moto omits each parameter's apply method
	"aws_ecs_service.availability_zone_rebalancing":     true, // moto reads back DISABLED for null
	"aws_ecs_service.health_check_grace_period_seconds": true, // moto does not keep it
	// moto drops origin_access_control_id from the origin and
	// ssl_support_method from the certificate, and reads back
	// default_cache_behavior.forwarded_values differently.
	"aws_cloudfront_distribution.origin":                 true,
	"aws_cloudfront_distribution.viewer_certificate":     true,
	"aws_cloudfront_distribution.default_cache_behavior": true,
}

// deployed applies a synthesized stack to the emulator, requires a clean
// second plan, and registers its destroy (checked) for the end of the test.
func deployed(t *testing.T, p *config.Project, dir, cli string) (*harness.Terraform, map[string]any) {
	t.Helper()
	// CI passes the git SHA; any tag will do in the emulator. Each app
	// secret gets a value of its own.
	env := []string{"TF_VAR_image_tag=test"}
	for _, name := range config.AppSecretEnv(p) {
		env = append(env, name+"=emulator-value-of-"+name)
	}
	// Background work: the on-prem suite beside it is the critical path.
	tf := &harness.Terraform{Dir: dir, CLIConfig: cli, Env: env, Nice: harness.BackgroundNice}
	if err := tf.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		start := time.Now()
		// The clean second plan has just read every resource back: the
		// destroy need not read them all again.
		if _, err := tf.Run("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false"); err != nil {
			t.Errorf("destroy %s: %v", filepath.Base(dir), err)
			return
		}
		if res, err := tf.Run("state", "list"); err != nil || strings.TrimSpace(res.Output) != "" {
			t.Errorf("state after destroy of %s: %v %q", filepath.Base(dir), err, res.Output)
		}
		t.Logf("destroy %s: %s", filepath.Base(dir), time.Since(start).Round(time.Second))
	})
	start := time.Now()
	if err := tf.Apply(); err != nil {
		t.Fatal(err)
	}
	t.Logf("apply %s: %s", filepath.Base(dir), time.Since(start).Round(time.Second))
	changes, err := tf.PlannedChanges()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if emulatorReadBack[c.What] {
			t.Logf("second plan of %s: %s changes %s (a known emulator read-back difference)", filepath.Base(dir), c.Address, c.What)
			continue
		}
		t.Errorf("second plan of %s is not clean (perpetual drift): %s changes %s", filepath.Base(dir), c.Address, c.What)
	}
	if t.Failed() {
		t.FailNow()
	}
	outs, err := tf.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	return tf, outs
}

// checkNetworkOutputs checks the applied network against the project.
func checkNetworkOutputs(t *testing.T, p *config.Project, outs map[string]any) {
	t.Helper()
	if id, _ := outs["vpc_id"].(string); !strings.HasPrefix(id, "vpc-") {
		t.Errorf("vpc_id = %v", outs["vpc_id"])
	}
	zones := len(p.Cloud.AvailabilityZones)
	pub, priv, svc := synth.Strings(outs["public_subnet_ids"]), synth.Strings(outs["private_subnet_ids"]), synth.Strings(outs["service_subnet_ids"])
	if len(pub) != zones || len(priv) != zones {
		t.Errorf("subnets: %d public, %d private, want %d each", len(pub), len(priv), zones)
	}
	wantSvc := priv
	if p.Cloud.NAT == config.NATNone && !p.Cloud.InterfaceEndpoints {
		wantSvc = pub
	}
	if fmt.Sprint(svc) != fmt.Sprint(wantSvc) {
		t.Errorf("service subnets = %v, want %v", svc, wantSvc)
	}
	urls, _ := outs["repository_urls"].(map[string]any)
	for _, a := range p.Apps {
		if u := fmt.Sprint(urls[a.Name]); !strings.HasSuffix(u, "/"+p.Name+"/"+string(a.Kind)+"/"+a.Name) {
			t.Errorf("repository URL of %s = %s", a.Name, u)
		}
	}
	if outs["cluster_name"] != p.Name+"-"+p.Cloud.Environment {
		t.Errorf("cluster_name = %v", outs["cluster_name"])
	}
	services, _ := outs["service_urls"].(map[string]any)
	for _, a := range p.Apps {
		if a.Kind == config.KindSite {
			continue
		}
		u := fmt.Sprint(services[a.Name])
		// No certificate: HTTPS through CloudFront, under a site's /api or
		// at the app's own distribution.
		if !strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, strings.TrimSuffix(strings.TrimSuffix(a.Route.Path, "*"), "/")) && !strings.HasSuffix(u, "/api") {
			t.Errorf("service URL of %s = %s", a.Name, u)
		}
	}
}

// TestCloudOnEmulator applies the AWS stacks to the local emulator: the
// cloud stack for each NAT strategy, and the bootstrap stack followed by
// the cloud stack keeping its state in the bucket and lock table the
// bootstrap created. Every apply must re-plan clean and destroy cleanly.
//
// Each variant gets its own emulator: moto 5.2.1 loses track of an RDS
// instance when two are created at the same moment in one server.
func TestCloudOnEmulator(t *testing.T) {
	// It needs no Docker engine: it runs beside the on-prem suite, the
	// other long one (docs/testing.md, where the time goes).
	t.Parallel()
	cli := harnesstest.CLIConfigT(t)
	localVariants := []struct {
		name   string
		change func(*config.Project)
	}{
		{"nat-none-waf-access-logs-kms-backup", func(p *config.Project) {
			p.Cloud.NAT = config.NATNone
			// AWS Backup with a copy in another region and restore testing.
			p.Cloud.Backup = config.Backup{Enabled: true, CopyRegion: "eu-central-1", RestoreTesting: true}
			p.Apps[0].Secrets = []string{"NOTES_SIGNING_KEY"}
			// Every option of cloud.security at once.
			p.Cloud.Security = config.Security{
				WAF:        config.WAF{Enabled: true, RateLimit: 500},
				AccessLogs: config.AccessLogs{Enabled: true, RetentionDays: 30},
				KMS:        true,
			}
			// Receivers of the alarms, in both regions' topics.
			p.Alerts.Email = []string{"ops@notes.example.com"}
			p.Alerts.Webhooks = []string{"https://hooks.notes.example.com/alerts"}
			// The home server mails them through a server of its own.
			p.OnPrem.Monitoring.SMTP = alerting.SMTP{Smarthost: "smtp.notes.example.com:587", From: "alerts@notes.example.com"}
		}},
		{"nat-per-az-flow-logs-two-apps-domains", func(p *config.Project) {
			p.Cloud.NAT = config.NATPerAZ
			p.Cloud.FlowLogs = true
			p.Cloud.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
			// A second service on the same load balancer, with its own rule.
			addRanker(p)
			// Private services reaching AWS through interface endpoints,
			// and an app's own egress group.
			p.Cloud.InterfaceEndpoints = true
			p.Apps[2].Egress = []config.Egress{{To: "203.0.113.0/24", Port: 25, Protocol: "tcp"}}
		}},
	}
	for i, v := range localVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			emu := harnesstest.BackgroundEmulatorT(t)
			p := variant(t, fmt.Sprintf("var%d", i), func(p *config.Project) {
				v.change(p)
				p.Cloud.Emulator = config.Emulator{Endpoint: emu.Endpoint, CABundle: emu.CABundle}
				if strings.HasSuffix(v.name, "-domains") {
					// Custom domains on the site and on the API no site
					// serves, their certificates in us-east-1's ACM.
					withDomains(p, importCertificate(t, emu, "rank.example.com"))
					importCertificate(t, emu, "*.example.com")
				}
			})
			out, err := synth.Project(p, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			_, outs := deployed(t, p, out.Stacks[stacks.CloudName].Dir, cli)
			checkNetworkOutputs(t, p, outs)
			if p.Cloud.Security.WAF.Enabled {
				checkWebACLs(t, emu, p)
			}
			checkAppSecrets(t, emu, p)
			checkPrivateEdge(t, emu, p, outs)
			checkAlerts(t, emu, p, outs)
			if p.Cloud.Backup.Enabled {
				checkBackupPlan(t, emu, p)
			}
		})
	}
	t.Run("bootstrap-then-remote-state", func(t *testing.T) {
		t.Parallel()
		emu := harnesstest.BackgroundEmulatorT(t)
		// The repository's own project (single NAT, GitHub identity), with
		// its state moved to the bucket the bootstrap stack creates.
		p := loadRepoProject(t)
		p.Cloud.Emulator = config.Emulator{Endpoint: emu.Endpoint, CABundle: emu.CABundle}
		p.Cloud.StateBackend = config.StateBackend{Bucket: p.BootstrapBucket(), LockTable: p.BootstrapLockTable()}
		if err := p.Normalize(); err != nil {
			t.Fatal(err)
		}
		out, err := synth.Project(p, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, boot := deployed(t, p, out.Stacks[stacks.BootstrapName].Dir, cli)
		if boot["state_bucket"] != p.Cloud.StateBackend.Bucket || boot["lock_table"] != p.Cloud.StateBackend.LockTable {
			t.Fatalf("bootstrap outputs = %v", boot)
		}
		if arn := fmt.Sprint(boot["deploy_role_arn"]); !strings.HasSuffix(arn, ":role/notes-production-deploy") {
			t.Errorf("deploy_role_arn = %s", arn)
		}
		_, outs := deployed(t, p, out.Stacks[stacks.CloudName].Dir, cli)
		checkNetworkOutputs(t, p, outs)
		if outs["deploy_role_arn"] != boot["deploy_role_arn"] {
			t.Errorf("cloud deploy_role_arn %v differs from the bootstrap's %v", outs["deploy_role_arn"], boot["deploy_role_arn"])
		}
		checkRemoteState(t, emu, p)
	})
}

// checkAppSecrets reads each app secret back from the emulator's Secrets
// Manager: the value deployed() passed in its TF_VAR_.
func checkAppSecrets(t *testing.T, emu *harness.Emulator, p *config.Project) {
	t.Helper()
	for _, a := range p.Apps {
		for _, name := range a.Secrets {
			code, out, err := emu.Request("secretsmanager", p.Cloud.Region, "POST", "/",
				map[string]string{"X-Amz-Target": "secretsmanager.GetSecretValue", "Content-Type": "application/x-amz-json-1.1"},
				`{"SecretId":"`+p.Name+"/"+a.Name+"/"+name+`"}`)
			want := "emulator-value-of-TF_VAR_" + config.AppSecretVariable(a.Name, name)
			if err != nil || code != 200 || !strings.Contains(string(out), want) {
				t.Errorf("secret %s/%s/%s: %d %v %s (want the value %s)", p.Name, a.Name, name, code, err, out, want)
			}
		}
	}
}

// checkBackupPlan asks the emulator's AWS Backup for what the apply
// made: the plan copying to the copy region's vault, its selection of
// the database, and the restore testing plan and selection placing a test
// restore in the database's subnet group.
func checkBackupPlan(t *testing.T, emu *harness.Emulator, p *config.Project) {
	t.Helper()
	get := func(region, path string) map[string]any {
		code, out, err := emu.Request("backup", region, "GET", path, nil, "")
		if err != nil || code != 200 {
			t.Fatalf("backup GET %s: %d %v %s", path, code, err, out)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("backup GET %s: %v: %s", path, err, out)
		}
		return v
	}
	name := p.Name + "-" + p.Cloud.Environment
	copyVault := get(p.Cloud.Backup.CopyRegion, "/backup-vaults/"+name+"-copy")
	plans := get(p.Cloud.Region, "/backup/plans/")["BackupPlansList"].([]any)
	if len(plans) != 1 {
		t.Fatalf("backup plans: %v, want one", plans)
	}
	id := plans[0].(map[string]any)["BackupPlanId"].(string)
	rule := get(p.Cloud.Region, "/backup/plans/"+id)["BackupPlan"].(map[string]any)["Rules"].([]any)[0].(map[string]any)
	if fmt.Sprint(rule["CopyActions"]) == "" || !strings.Contains(fmt.Sprint(rule["CopyActions"]), fmt.Sprint(copyVault["BackupVaultArn"])) {
		t.Errorf("the plan's rule does not copy to %v: %v", copyVault["BackupVaultArn"], rule)
	}
	selections := get(p.Cloud.Region, "/backup/plans/"+id+"/selections/")["BackupSelectionsList"].([]any)
	if len(selections) != 1 {
		t.Fatalf("selections: %v, want one", selections)
	}
	sel := get(p.Cloud.Region, "/backup/plans/"+id+"/selections/"+selections[0].(map[string]any)["SelectionId"].(string))
	if n := len(sel["BackupSelection"].(map[string]any)["Resources"].([]any)); n != 1 {
		t.Errorf("the selection covers %d resources, want the one database", n)
	}
	drill := strings.ReplaceAll(name, "-", "_")
	get(p.Cloud.Region, "/restore-testing/plans/"+drill)
	app := ""
	for _, a := range p.Apps {
		if a.Database.Enabled {
			app = a.Name
		}
	}
	tested := get(p.Cloud.Region, "/restore-testing/plans/"+drill+"/selections/"+strings.ReplaceAll(drill+"_"+app, "-", "_"))["RestoreTestingSelection"].(map[string]any)
	if o := fmt.Sprint(tested["RestoreMetadataOverrides"]); !strings.Contains(o, "dbsubnetgroupname") || !strings.Contains(o, "sg-") {
		t.Errorf("a test restore is not placed beside the database: %s", o)
	}
}

// checkWebACLs asks the emulator for the web ACLs the stack created: one
// for CloudFront (in us-east-1) and one for the load balancer, attached.
func checkWebACLs(t *testing.T, emu *harness.Emulator, p *config.Project) {
	t.Helper()
	call := func(region, target, body string) string {
		code, out, err := emu.Request("wafv2", region, "POST", "/",
			map[string]string{"X-Amz-Target": "AWSWAF_20190729." + target, "Content-Type": "application/x-amz-json-1.1"}, body)
		if err != nil || code != 200 {
			t.Fatalf("wafv2 %s: %d %v %s", target, code, err, out)
		}
		return string(out)
	}
	prefix := p.Name + "-" + p.Cloud.Environment
	if out := call("us-east-1", "ListWebACLs", `{"Scope":"CLOUDFRONT"}`); !strings.Contains(out, `"`+prefix+`-cloudfront"`) {
		t.Errorf("no CloudFront web ACL %s-cloudfront: %s", prefix, out)
	}
	out := call(p.Cloud.Region, "ListWebACLs", `{"Scope":"REGIONAL"}`)
	if !strings.Contains(out, `"`+prefix+`-load-balancer"`) {
		t.Errorf("no regional web ACL %s-load-balancer: %s", prefix, out)
	}
}

// checkAlerts reads back from the emulator what the alerting applied:
// every alarm with its actions, the receivers' subscriptions in both
// topics, the deployment rule and the dashboard.
func checkAlerts(t *testing.T, emu *harness.Emulator, p *config.Project, outs map[string]any) {
	t.Helper()
	query := func(service, region, body string) string {
		code, out, err := emu.Request(service, region, "POST", "/",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body)
		if err != nil || code != 200 {
			t.Fatalf("%s %s: %d %v %s", service, body, code, err, out)
		}
		return string(out)
	}
	prefix := p.Name + "-" + p.Cloud.Environment
	alarms := query("monitoring", p.Cloud.Region, "Action=DescribeAlarms&Version=2010-08-01&AlarmNamePrefix="+prefix)
	for _, a := range p.Apps {
		want := prefix + "-" + a.Name + "-cpu"
		if a.Kind == config.KindSite {
			continue
		}
		if !strings.Contains(alarms, "<AlarmName>"+want+"</AlarmName>") {
			t.Errorf("no alarm %s in the emulator: %s", want, alarms)
		}
	}
	if !strings.Contains(alarms, fmt.Sprint(outs["alerts_topic_arn"])) {
		t.Errorf("the alarms do not notify %v", outs["alerts_topic_arn"])
	}
	edge := query("monitoring", "us-east-1", "Action=DescribeAlarms&Version=2010-08-01&AlarmNamePrefix="+prefix)
	if !strings.Contains(edge, "-edge-5xx</AlarmName>") || !strings.Contains(edge, fmt.Sprint(outs["edge_alerts_topic_arn"])) {
		t.Errorf("no CloudFront alarm in us-east-1 notifying %v: %s", outs["edge_alerts_topic_arn"], edge)
	}
	for region, topic := range map[string]any{p.Cloud.Region: outs["alerts_topic_arn"], "us-east-1": outs["edge_alerts_topic_arn"]} {
		subs := query("sns", region, "Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn="+fmt.Sprint(topic))
		for _, r := range append(append([]string{}, p.Alerts.Email...), p.Alerts.Webhooks...) {
			if !strings.Contains(subs, r) {
				t.Errorf("%s is not subscribed to %v: %s", r, topic, subs)
			}
		}
	}
	if dashboards := query("monitoring", p.Cloud.Region, "Action=ListDashboards&Version=2010-08-01"); !strings.Contains(dashboards, prefix) {
		t.Errorf("no dashboard %s: %s", prefix, dashboards)
	}
	code, rules, err := emu.Request("events", p.Cloud.Region, "POST", "/",
		map[string]string{"X-Amz-Target": "AWSEvents.ListRules", "Content-Type": "application/x-amz-json-1.1"}, `{"NamePrefix":"`+prefix+`"}`)
	if err != nil || code != 200 || !strings.Contains(string(rules), prefix+"-ecs-deployments") {
		t.Errorf("no deployment rule: %d %v %s", code, err, rules)
	}
}

// checkRemoteState reads the cloud stack's state object from the bucket
// and its digest from the lock table.
func checkRemoteState(t *testing.T, emu *harness.Emulator, p *config.Project) {
	t.Helper()
	sb := p.Cloud.StateBackend
	code, body, err := emu.Request("s3", p.Cloud.Region, "GET", "/"+sb.Bucket+"/"+sb.Key, nil, "")
	if err != nil || code != 200 {
		t.Fatalf("state object s3://%s/%s: %d %v", sb.Bucket, sb.Key, code, err)
	}
	var state struct {
		Resources []any `json:"resources"`
	}
	if err := json.Unmarshal(body, &state); err != nil || len(state.Resources) == 0 {
		t.Errorf("state object holds no resources (%v): %.200s", err, body)
	}
	code, body, err = emu.Request("dynamodb", p.Cloud.Region, "POST", "/",
		map[string]string{"X-Amz-Target": "DynamoDB_20120810.Scan", "Content-Type": "application/x-amz-json-1.0"},
		`{"TableName":"`+sb.LockTable+`"}`)
	if err != nil || code != 200 {
		t.Fatalf("scan lock table: %d %v %s", code, err, body)
	}
	if want := sb.Bucket + "/" + sb.Key + "-md5"; !strings.Contains(string(body), want) {
		t.Errorf("lock table has no digest item %s: %s", want, body)
	}
}

// importCertificate imports a self-signed certificate for name into the
// emulator's ACM in us-east-1 (where CloudFront takes them from) and
// returns its ARN.
func importCertificate(t *testing.T, emu *harness.Emulator, name string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{
		"Certificate": base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		"PrivateKey":  base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	})
	code, out, err := emu.Request("acm", "us-east-1", "POST", "/",
		map[string]string{"X-Amz-Target": "CertificateManager.ImportCertificate", "Content-Type": "application/x-amz-json-1.1"}, string(body))
	var res struct{ CertificateArn string }
	if err == nil {
		err = json.Unmarshal(out, &res)
	}
	if err != nil || code != 200 || res.CertificateArn == "" {
		t.Fatalf("import a certificate for %s: %d %v %s", name, code, err, out)
	}
	return res.CertificateArn
}

// checkPrivateEdge reads the applied edge back: the load balancer is
// internal, its group admits only CloudFront's VPC origin group, every
// distribution reaches it through the one VPC origin, and a custom domain
// is its distribution's alias.
func checkPrivateEdge(t *testing.T, emu *harness.Emulator, p *config.Project, outs map[string]any) {
	t.Helper()
	code, body, err := emu.Request("cloudfront", "us-east-1", "GET", "/2020-05-31/vpc-origin", nil, "")
	if err != nil || code != 200 || strings.Count(string(body), "<VpcOriginSummary>") != 1 {
		t.Errorf("VPC origins: %d %v %s", code, err, body)
	}
	// The list's summaries carry no origins: read each distribution.
	code, list, err := emu.Request("cloudfront", "us-east-1", "GET", "/2020-05-31/distribution", nil, "")
	if err != nil || code != 200 {
		t.Fatalf("distributions: %d %v %s", code, err, list)
	}
	var all strings.Builder
	for _, id := range regexp.MustCompile(`<DistributionSummary><Id>([A-Z0-9]+)</Id>`).FindAllStringSubmatch(string(list), -1) {
		code, one, err := emu.Request("cloudfront", "us-east-1", "GET", "/2020-05-31/distribution/"+id[1], nil, "")
		if err != nil || code != 200 {
			t.Fatalf("distribution %s: %d %v %s", id[1], code, err, one)
		}
		all.Write(one)
		if bytes.Contains(one, []byte("<DomainName>"+p.Name)) || bytes.Contains(one, []byte("elb.amazonaws.com")) {
			if !bytes.Contains(one, []byte("<VpcOriginId>")) {
				t.Errorf("distribution %s reaches the load balancer without the VPC origin: %s", id[1], one)
			}
		}
	}
	body = []byte(all.String())
	if n := strings.Count(string(body), "<VpcOriginId>"); n == 0 {
		t.Errorf("no distribution reaches the load balancer through the VPC origin: %s", body)
	}
	if strings.Contains(string(body), "X-Origin-Verify") {
		t.Error("a distribution still sends the origin secret")
	}
	services, _ := outs["service_urls"].(map[string]any)
	for _, a := range p.Apps {
		if a.Domain != "" && !strings.Contains(string(body), "<CNAME>"+a.Domain+"</CNAME>") {
			t.Errorf("%s's distribution does not have the alias %s", a.Name, a.Domain)
		}
		if a.Domain != "" && !strings.HasPrefix(fmt.Sprint(services[a.Name]), "https://"+a.Domain+"/") {
			t.Errorf("service URL of %s = %v, want its domain", a.Name, services[a.Name])
		}
		if a.Site.Domain != "" && !strings.Contains(string(body), "<CNAME>"+a.Site.Domain+"</CNAME>") {
			t.Errorf("site %s's distribution does not have the alias %s", a.Name, a.Site.Domain)
		}
	}
	form := "Action=DescribeLoadBalancers&Version=2015-12-01"
	code, body, err = emu.Request("elasticloadbalancing", p.Cloud.Region, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
	if err != nil || code != 200 || !strings.Contains(string(body), "<Scheme>internal</Scheme>") || strings.Contains(string(body), "internet-facing") {
		t.Errorf("the load balancer is not internal: %d %v %s", code, err, body)
	}
	groups := func(name string) string {
		form := "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-name&Filter.1.Value.1=" + name
		code, body, err := emu.Request("ec2", p.Cloud.Region, "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
		if err != nil || code != 200 {
			t.Fatalf("security group %s: %d %v %s", name, code, err, body)
		}
		return string(body)
	}
	managed := regexp.MustCompile(`<groupId>(sg-[0-9a-f]+)</groupId>`).FindStringSubmatch(groups(loadbalancer.ManagedSecurityGroup))
	if managed == nil {
		t.Fatalf("the VPC origin did not bring CloudFront's group %s", loadbalancer.ManagedSecurityGroup)
	}
	if lbGroup := groups(p.Name + "-" + p.Cloud.Environment + "-load-balancer"); !strings.Contains(lbGroup, managed[1]) {
		t.Errorf("the load balancer's group does not admit CloudFront's group %s: %s", managed[1], lbGroup)
	}
}
