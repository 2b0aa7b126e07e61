package stacks_test

import (
	"fmt"
	"github.com/homecloud-dev/fullstack/internal/graphcheck"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/internal/synth"
)

// securityRows asserts each row of docs/cloud.md "Security defaults" against the
// synthesized cloud stack: def checks the default project, opt the
// project with the row's option turned on.
var securityRows = map[string]func(t *testing.T, def, opt *synth.Stack){
	"Public load balancer": func(t *testing.T, def, opt *synth.Stack) {
		// None: the load balancer is internal, and its group admits only
		// CloudFront's managed group for VPC origins.
		for id, lb := range def.Resources("aws_lb") {
			if lb["internal"] != true {
				t.Errorf("load balancer %s is internet-facing", id)
			}
		}
		for _, r := range def.Resources("aws_security_group_rule") {
			if r["type"] == "ingress" && slices.Contains(synth.Strings(r["cidr_blocks"]), "0.0.0.0/0") {
				t.Errorf("ingress from the internet: %v", r)
			}
			if r["prefix_list_ids"] != nil {
				t.Errorf("a prefix list rule is left: %v", r)
			}
		}
		group := onlyDataID(t, def, "aws_security_group")
		eq(t, def.Data("aws_security_group")[group], "name", loadbalancer.ManagedSecurityGroup)
		rule := def.Resources("aws_security_group_rule")[idOf(t, def, "aws_security_group_rule", "description", "HTTP from the CloudFront VPC origins only")]
		eq(t, rule, "source_security_group_id", "${data.aws_security_group."+group+".id}")
		for _, r := range def.Resources("aws_lb_listener_rule") {
			if strings.Contains(fmt.Sprint(r["condition"]), "X-Origin-Verify") {
				t.Errorf("an origin secret condition is left: %v", r["condition"])
			}
		}
	},
	"Plain HTTP": func(t *testing.T, def, opt *synth.Stack) {
		for id, d := range def.Resources("aws_cloudfront_distribution") {
			for _, path := range []string{"default_cache_behavior.viewer_protocol_policy"} {
				eq(t, d, path, "redirect-to-https")
			}
			if strings.Contains(fmt.Sprint(d["ordered_cache_behavior"]), "allow-all") {
				t.Errorf("%s: a behaviour allows plain HTTP", id)
			}
		}
		for name, url := range get(t, def.Outputs(), "service_urls.value").(map[string]any) {
			if !strings.HasPrefix(fmt.Sprint(url), "https://") {
				t.Errorf("service %s is reached at %v", name, url)
			}
		}
		// HTTP only inside the VPC: CloudFront to the internal load
		// balancer through the VPC origin, the load balancer's only
		// listener.
		for id, o := range def.Resources("aws_cloudfront_vpc_origin") {
			if cfg := fmt.Sprint(o["vpc_origin_endpoint_config"]); !strings.Contains(cfg, "origin_protocol_policy:http-only") {
				t.Errorf("VPC origin %s: %s", id, cfg)
			}
		}
		for _, l := range def.Resources("aws_lb_listener") {
			eq(t, l, "protocol", "HTTP")
		}
	},
	"Open egress": func(t *testing.T, def, opt *synth.Stack) {
		for _, r := range def.Resources("aws_security_group_rule") {
			if r["protocol"] == "-1" {
				t.Errorf("all-protocol rule: %v", r)
			}
			if r["type"] == "egress" && slices.Contains(synth.Strings(r["cidr_blocks"]), "0.0.0.0/0") && r["from_port"] != float64(443) {
				t.Errorf("egress to anywhere beyond HTTPS: %v", r)
			}
		}
		if n := len(def.Resources("aws_vpc_endpoint")); n != 1 {
			t.Errorf("%d VPC endpoints by default, want the S3 gateway only", n)
		}
		for _, e := range def.Resources("aws_vpc_endpoint") {
			eq(t, e, "vpc_endpoint_type", "Gateway")
			eq(t, e, "service_name", "com.amazonaws.eu-west-2.s3")
		}
		// With interface endpoints (per-az variant): four, private DNS.
		endpoints := perAZ.Stacks["cloud"].Resources("aws_vpc_endpoint")
		var services []string
		for _, e := range endpoints {
			if e["vpc_endpoint_type"] == "Interface" {
				eq(t, e, "private_dns_enabled", true)
				services = append(services, fmt.Sprint(e["service_name"]))
			}
		}
		sort.Strings(services)
		if want := "[com.amazonaws.eu-west-2.ecr.api com.amazonaws.eu-west-2.ecr.dkr com.amazonaws.eu-west-2.logs com.amazonaws.eu-west-2.secretsmanager]"; fmt.Sprint(services) != want {
			t.Errorf("interface endpoints = %v, want %s", services, want)
		}
		// An app's declared egress is its own group, on its service only.
		sg := idOf(t, perAZ.Stacks["cloud"], "aws_security_group", "name", "shop-ranker-egress")
		svc := perAZ.Stacks["cloud"].Resources("aws_ecs_service")[idOf(t, perAZ.Stacks["cloud"], "aws_ecs_service", "name", "ranker")]
		if !strings.Contains(fmt.Sprint(get(t, svc, "network_configuration.security_groups")), sg) {
			t.Errorf("ranker's service lacks its egress group %s", sg)
		}
		var declared []string
		for _, r := range perAZ.Stacks["cloud"].Resources("aws_security_group_rule") {
			if strings.Contains(fmt.Sprint(r["security_group_id"]), sg) {
				declared = append(declared, fmt.Sprintf("%v %v %v", r["protocol"], r["from_port"], r["cidr_blocks"]))
			}
		}
		sort.Strings(declared)
		if want := "[tcp 25 [203.0.113.0/24] udp 123 [198.51.100.7/32]]"; fmt.Sprint(declared) != want {
			t.Errorf("ranker's egress = %v, want %s", declared, want)
		}
	},
	"TLS floor": func(t *testing.T, def, opt *synth.Stack) {
		for _, c := range []struct {
			s       *synth.Stack
			comment string
		}{{perAZ.Stacks["cloud"], "shop web"}, {emulated.Stacks["cloud"], "shop ranker API"}} {
			d := c.s.Resources("aws_cloudfront_distribution")[idOf(t, c.s, "aws_cloudfront_distribution", "comment", c.comment)]
			eq(t, d, "viewer_certificate.minimum_protocol_version", "TLSv1.2_2021")
			eq(t, d, "viewer_certificate.ssl_support_method", "sni-only")
		}
	},
	"WAF": func(t *testing.T, def, opt *synth.Stack) {
		if n := len(def.Resources("aws_wafv2_web_acl")); n != 0 {
			t.Errorf("WAF is off by default, found %d ACLs", n)
		}
		acls := opt.Resources("aws_wafv2_web_acl")
		cf := acls[idOf(t, opt, "aws_wafv2_web_acl", "scope", "CLOUDFRONT")]
		eq(t, cf, "provider", "aws.us_east_1")
		regional := idOf(t, opt, "aws_wafv2_web_acl", "scope", "REGIONAL")
		for _, acl := range acls {
			text := fmt.Sprint(acl["rule"])
			for _, want := range []string{"AWSManagedRulesCommonRuleSet", "rate_based_statement", "limit:300", "aggregate_key_type:IP"} {
				if !strings.Contains(text, want) {
					t.Errorf("%v ACL lacks %s: %s", acl["scope"], want, text)
				}
			}
		}
		for id, d := range opt.Resources("aws_cloudfront_distribution") {
			if d["web_acl_id"] != ref("aws_wafv2_web_acl", idOf(t, opt, "aws_wafv2_web_acl", "scope", "CLOUDFRONT"), "arn") {
				t.Errorf("distribution %s has web_acl_id %v", id, d["web_acl_id"])
			}
		}
		assoc, err := opt.Only("aws_wafv2_web_acl_association")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, assoc, "web_acl_arn", ref("aws_wafv2_web_acl", regional, "arn"))
		eq(t, assoc, "resource_arn", ref("aws_lb", onlyID(t, opt, "aws_lb"), "arn"))
	},
	"Access logs": func(t *testing.T, def, opt *synth.Stack) {
		lb := def.Resources("aws_lb")[onlyID(t, def, "aws_lb")]
		if lb["access_logs"] != nil {
			t.Errorf("access logs are off by default: %v", lb["access_logs"])
		}
		bucket := idOf(t, opt, "aws_s3_bucket", "bucket_prefix", "shop-production-logs-")
		lb = opt.Resources("aws_lb")[onlyID(t, opt, "aws_lb")]
		eq(t, lb, "access_logs.bucket", ref("aws_s3_bucket", bucket, "id"))
		eq(t, lb, "access_logs.enabled", true)
		for id, d := range opt.Resources("aws_cloudfront_distribution") {
			if get(t, d, "logging_config.bucket") != ref("aws_s3_bucket", bucket, "bucket_domain_name") {
				t.Errorf("distribution %s logs to %v", id, d["logging_config"])
			}
		}
		life := opt.Resources("aws_s3_bucket_lifecycle_configuration")[idOf(t, opt, "aws_s3_bucket_lifecycle_configuration", "bucket", ref("aws_s3_bucket", bucket, "id"))]
		if !strings.Contains(fmt.Sprint(life["rule"]), "days:30") {
			t.Errorf("log retention: %v", life["rule"])
		}
	},
	"Customer-managed keys": func(t *testing.T, def, opt *synth.Stack) {
		// The alert topics have keys of their own, on or off: CloudWatch and
		// EventBridge cannot publish to a topic under SNS's AWS-managed key.
		projectKeys := func(s *synth.Stack) []string {
			var ids []string
			for id := range s.Resources("aws_kms_key") {
				if !strings.HasPrefix(id, "alerts_") {
					ids = append(ids, id)
				}
			}
			return ids
		}
		if ids := projectKeys(def); len(ids) != 0 {
			t.Errorf("KMS is off by default, found keys %v", ids)
		}
		ids := projectKeys(opt)
		if len(ids) != 1 {
			t.Fatalf("project keys %v, want one", ids)
		}
		keyID := ids[0]
		key := opt.Resources("aws_kms_key")[keyID]
		eq(t, key, "enable_key_rotation", true)
		eq(t, key, "deletion_window_in_days", 30)
		arn := ref("aws_kms_key", keyID, "arn")
		for id, g := range opt.Resources("aws_cloudwatch_log_group") {
			if g["kms_key_id"] != arn {
				t.Errorf("log group %s: kms_key_id %v", id, g["kms_key_id"])
			}
		}
		db := opt.Resources("aws_db_instance")[onlyID(t, opt, "aws_db_instance")]
		eq(t, db, "kms_key_id", arn)
		eq(t, db, "master_user_secret_kms_key_id", arn)
		for id, r := range opt.Resources("aws_ecr_repository") {
			if fmt.Sprint(r["encryption_configuration"]) != fmt.Sprint([]any{map[string]any{"encryption_type": "KMS", "kms_key": arn}}) {
				t.Errorf("repository %s: %v", id, r["encryption_configuration"])
			}
		}
		policy := opt.Resources("aws_iam_role_policy")[idOf(t, opt, "aws_iam_role_policy", "name", "start-tasks")]
		if !strings.Contains(fmt.Sprint(policy["policy"]), "kms:Decrypt") {
			t.Errorf("the execution role cannot decrypt the database secret: %v", policy["policy"])
		}
	},
	"Bucket versioning": func(t *testing.T, def, opt *synth.Stack) {
		v, err := def.Only("aws_s3_bucket_versioning")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, v, "versioning_configuration.status", "Enabled")
		b, err := plain.Stacks["cloud-bootstrap"].Only("aws_s3_bucket_versioning")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, b, "versioning_configuration.status", "Enabled")
	},
	"Point-in-time recovery": func(t *testing.T, def, opt *synth.Stack) {
		db := def.Resources("aws_db_instance")[onlyID(t, def, "aws_db_instance")]
		eq(t, db, "backup_retention_period", 7)
		table, err := plain.Stacks["cloud-bootstrap"].Only("aws_dynamodb_table")
		if err != nil {
			t.Fatal(err)
		}
		eq(t, table, "point_in_time_recovery.enabled", true)
	},
	"RDS IAM authentication": func(t *testing.T, def, opt *synth.Stack) {
		db := def.Resources("aws_db_instance")[onlyID(t, def, "aws_db_instance")]
		if db["iam_database_authentication_enabled"] != nil {
			t.Errorf("IAM authentication is not used: %v", db["iam_database_authentication_enabled"])
		}
		eq(t, db, "manage_master_user_password", true)
		eq(t, db, "publicly_accessible", false)
		pg := def.Resources("aws_db_parameter_group")[onlyID(t, def, "aws_db_parameter_group")]
		if !strings.Contains(fmt.Sprint(pg["parameter"]), "rds.force_ssl") {
			t.Errorf("TLS is not forced: %v", pg["parameter"])
		}
	},
	"Container hardening": func(t *testing.T, def, opt *synth.Stack) {
		for _, s := range []*synth.Stack{def, opt} {
			if len(s.Resources("aws_ecs_task_definition")) == 0 {
				t.Fatal("no task definition to check")
			}
			if err := graphcheck.TaskHardening(s.Raw); err != nil {
				t.Error(err)
			}
		}
	},
	"VPC flow logs": func(t *testing.T, def, opt *synth.Stack) {
		if n := len(def.Resources("aws_flow_log")); n != 0 {
			t.Errorf("flow logs are off by default, found %d", n)
		}
		if _, err := opt.Only("aws_flow_log"); err != nil {
			t.Error(err)
		}
	},
}

// TestSecurityDefaults checks every row of docs/cloud.md's security table,
// and that the table and the checks name the same rows.
func TestSecurityDefaults(t *testing.T) {
	doc, err := os.ReadFile("../docs/cloud.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)
	start := strings.Index(section, "## Security defaults")
	if start < 0 {
		t.Fatal(`docs/cloud.md has no "## Security defaults" section`)
	}
	section = section[start:]
	if end := strings.Index(section[3:], "\n## "); end > 0 {
		section = section[:end+3]
	}
	var rows []string
	for _, m := range regexp.MustCompile(`(?m)^\| \*\*([^*]+)\*\* \|`).FindAllStringSubmatch(section, -1) {
		rows = append(rows, m[1])
	}
	var checked []string
	for row := range securityRows {
		checked = append(checked, row)
	}
	sort.Strings(rows)
	sort.Strings(checked)
	if !slices.Equal(rows, checked) {
		t.Errorf("docs/cloud.md security rows %q differ from the checked rows %q", rows, checked)
	}
	for _, row := range checked {
		t.Run(row, func(t *testing.T) { securityRows[row](t, plain.Stacks["cloud"], secured.Stacks["cloud"]) })
	}
}
