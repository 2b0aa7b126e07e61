package stacks_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/internal/synth"
)

// ref is the interpolation of a resource attribute.
func ref(typ, id, attr string) string { return "${" + typ + "." + id + "." + attr + "}" }

// idOf finds the logical id of the resource of typ whose field equals value.
func idOf(t *testing.T, s *synth.Stack, typ, field string, value any) string {
	t.Helper()
	for id, r := range s.Resources(typ) {
		if fmt.Sprint(r[field]) == fmt.Sprint(value) {
			return id
		}
	}
	t.Fatalf("no %s with %s = %v", typ, field, value)
	return ""
}

func policyDoc(t *testing.T, raw any) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw.(string)), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%v", err, raw)
	}
	return doc
}

func TestSubnetsPerZone(t *testing.T) {
	for _, c := range []struct {
		out             *synth.Output
		public, private []string
	}{
		{plain, []string{"10.20.0.0/18", "10.20.64.0/18"}, []string{"10.20.128.0/18", "10.20.192.0/18"}},
		{perAZ, []string{"10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"}, []string{"10.20.96.0/19", "10.20.128.0/19", "10.20.160.0/19"}},
	} {
		s := c.out.Stacks["cloud"]
		vpcID := onlyID(t, s, "aws_vpc")
		tiers := map[string][]string{}
		for _, sn := range s.Resources("aws_subnet") {
			if sn["vpc_id"] != ref("aws_vpc", vpcID, "id") {
				t.Errorf("subnet outside the VPC: %v", sn["vpc_id"])
			}
			tier := get(t, sn, "tags.tier").(string)
			tiers[tier] = append(tiers[tier], sn["cidr_block"].(string))
			if sn["map_public_ip_on_launch"] == true {
				t.Errorf("subnet %v maps public IPs on launch", sn["cidr_block"])
			}
		}
		for tier, want := range map[string][]string{"public": c.public, "private": c.private} {
			got := tiers[tier]
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s subnets = %v, want %v", tier, got, want)
			}
		}
	}
}

func TestRoutingPerNATStrategy(t *testing.T) {
	for _, c := range []struct {
		name                string
		out                 *synth.Output
		nats, privateTables int
	}{
		{"none", emulated, 0, 1},
		{"single", plain, 1, 1},
		{"per-az", perAZ, 3, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := c.out.Stacks["cloud"]
			if n := len(s.Resources("aws_nat_gateway")); n != c.nats {
				t.Errorf("%d NAT gateways, want %d", n, c.nats)
			}
			if n := len(s.Resources("aws_eip")); n != c.nats {
				t.Errorf("%d elastic IPs, want %d", n, c.nats)
			}
			igw := onlyID(t, s, "aws_internet_gateway")
			natRoutes, igwRoutes := 0, 0
			for _, r := range s.Resources("aws_route") {
				if r["destination_cidr_block"] != "0.0.0.0/0" {
					t.Errorf("unexpected route %v", r)
				}
				if r["gateway_id"] == ref("aws_internet_gateway", igw, "id") {
					igwRoutes++
				}
				if r["nat_gateway_id"] != nil {
					natRoutes++
				}
			}
			if igwRoutes != 1 || natRoutes != c.privateTables*min(c.nats, 1) {
				t.Errorf("routes: %d to the internet gateway, %d to NAT", igwRoutes, natRoutes)
			}
			if n := len(s.Resources("aws_route_table")); n != 1+c.privateTables {
				t.Errorf("%d route tables, want %d", n, 1+c.privateTables)
			}
			subnets := len(s.Resources("aws_subnet"))
			if n := len(s.Resources("aws_route_table_association")); n != subnets {
				t.Errorf("%d route table associations for %d subnets", n, subnets)
			}
			eq(t, s.Outputs(), "nat_strategy.value", c.name)
		})
	}
	pub := plain.Stacks["cloud"].Outputs()["public_subnet_ids"].(map[string]any)["value"]
	if svc := plain.Stacks["cloud"].Outputs()["service_subnet_ids"].(map[string]any)["value"]; fmt.Sprint(svc) == fmt.Sprint(pub) {
		t.Error("with NAT, services must run in private subnets")
	}
	pubNone := emulated.Stacks["cloud"].Outputs()["public_subnet_ids"].(map[string]any)["value"]
	if svc := emulated.Stacks["cloud"].Outputs()["service_subnet_ids"].(map[string]any)["value"]; fmt.Sprint(svc) != fmt.Sprint(pubNone) {
		t.Error("without NAT, services run in public subnets")
	}
}

func TestSecurityGroupTiers(t *testing.T) {
	s := plain.Stacks["cloud"]
	alb := idOf(t, s, "aws_security_group", "name", "shop-production-load-balancer")
	svc := idOf(t, s, "aws_security_group", "name", "shop-production-services")
	db := idOf(t, s, "aws_security_group", "name", "shop-production-database")
	for _, sg := range s.Resources("aws_security_group") {
		if sg["ingress"] != nil || sg["egress"] != nil {
			t.Errorf("inline rules on %v: rules must be separate resources", sg["name"])
		}
	}
	type rule struct{ group, kind, port, from string }
	var got []string
	for _, r := range s.Resources("aws_security_group_rule") {
		from := fmt.Sprint(r["cidr_blocks"])
		if r["source_security_group_id"] != nil {
			from = r["source_security_group_id"].(string)
		}
		got = append(got, fmt.Sprint(rule{r["security_group_id"].(string), r["type"].(string), fmt.Sprint(r["from_port"]) + "-" + fmt.Sprint(r["to_port"]) + "/" + r["protocol"].(string), from}))
	}
	sgRef := func(id string) string { return ref("aws_security_group", id, "id") }
	cloudFront := "${data.aws_security_group." + onlyDataID(t, s, "aws_security_group") + ".id}"
	want := []string{
		// Only CloudFront's VPC origins reach the load balancer.
		fmt.Sprint(rule{sgRef(alb), "ingress", "80-80/tcp", cloudFront}),
		fmt.Sprint(rule{sgRef(alb), "egress", "8080-8080/tcp", sgRef(svc)}),
		fmt.Sprint(rule{sgRef(alb), "egress", "9000-9000/tcp", sgRef(svc)}),
		fmt.Sprint(rule{sgRef(svc), "ingress", "8080-8080/tcp", sgRef(alb)}),
		fmt.Sprint(rule{sgRef(svc), "ingress", "9000-9000/tcp", sgRef(alb)}),
		fmt.Sprint(rule{sgRef(svc), "egress", "443-443/tcp", "[0.0.0.0/0]"}),
		fmt.Sprint(rule{sgRef(svc), "egress", "5432-5432/tcp", sgRef(db)}),
		fmt.Sprint(rule{sgRef(db), "ingress", "5432-5432/tcp", sgRef(svc)}),
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("security group rules:\n got %v\nwant %v", got, want)
	}
}

func TestFlowLogs(t *testing.T) {
	if n := len(plain.Stacks["cloud"].Resources("aws_flow_log")); n != 0 {
		t.Errorf("flow logs are off by default, found %d", n)
	}
	s := perAZ.Stacks["cloud"]
	fl, err := s.Only("aws_flow_log")
	if err != nil {
		t.Fatal(err)
	}
	group := idOf(t, s, "aws_cloudwatch_log_group", "name", "/shop-production/vpc-flow-logs")
	eq(t, fl, "traffic_type", "ALL")
	eq(t, fl, "log_destination_type", "cloud-watch-logs")
	eq(t, fl, "log_destination", ref("aws_cloudwatch_log_group", group, "arn"))
	eq(t, s.Resources("aws_cloudwatch_log_group")[group], "retention_in_days", 90)
	role := idOf(t, s, "aws_iam_role", "name", "shop-production-flow-logs")
	trust := policyDoc(t, s.Resources("aws_iam_role")[role]["assume_role_policy"])
	if !strings.Contains(fmt.Sprint(trust), "vpc-flow-logs.amazonaws.com") {
		t.Errorf("flow log role trust = %v", trust)
	}
}

func TestRepositories(t *testing.T) {
	s := plain.Stacks["cloud"]
	repos := s.Resources("aws_ecr_repository")
	var names []string
	for _, r := range repos {
		names = append(names, r["name"].(string))
		eq(t, r, "image_tag_mutability", "IMMUTABLE")
		eq(t, r, "image_scanning_configuration.scan_on_push", true)
		eq(t, r, "encryption_configuration", []any{map[string]any{"encryption_type": "AES256"}})
		eq(t, r, "force_delete", false)
	}
	sort.Strings(names)
	if want := []string{"shop/api/orders", "shop/model/ranker", "shop/site/web"}; !slices.Equal(names, want) {
		t.Errorf("repositories = %v, want %v", names, want)
	}
	for _, lp := range s.Resources("aws_ecr_lifecycle_policy") {
		doc := policyDoc(t, lp["policy"])
		text := fmt.Sprint(doc)
		for _, want := range []string{"countNumber:30", "countNumber:7", "tagStatus:untagged", "tagStatus:tagged"} {
			if !strings.Contains(text, want) {
				t.Errorf("lifecycle policy lacks %s: %s", want, text)
			}
		}
	}
	if n := len(s.Resources("aws_ecr_lifecycle_policy")); n != 3 {
		t.Errorf("%d lifecycle policies, want one per repository", n)
	}
	for _, r := range emulated.Stacks["cloud"].Resources("aws_ecr_repository") {
		eq(t, r, "force_delete", true) // emulator mode: destroy must finish
	}
}

func TestClusterAndExecutionRole(t *testing.T) {
	s := plain.Stacks["cloud"]
	cl, err := s.Only("aws_ecs_cluster")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, cl, "name", "shop-production")
	eq(t, cl, "setting", []any{map[string]any{"name": "containerInsights", "value": "enabled"}})
	cp, err := s.Only("aws_ecs_cluster_capacity_providers")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, cp, "capacity_providers", []any{"FARGATE", "FARGATE_SPOT"})
	groups := map[string]any{}
	for _, g := range s.Resources("aws_cloudwatch_log_group") {
		groups[g["name"].(string)] = g["retention_in_days"]
	}
	if fmt.Sprint(groups) != fmt.Sprint(map[string]any{"/shop/orders": 30, "/shop/orders/flyway": 30, "/shop/ranker": 30}) {
		t.Errorf("log groups = %v (sites have none: they are served from S3; Flyway has its own)", groups)
	}
	if n := len(s.Resources("aws_iam_role_policy_attachment")); n != 0 {
		t.Errorf("%d managed policy attachments: the execution role must use its scoped inline policy", n)
	}
	role := idOf(t, s, "aws_iam_role", "name", "shop-production-exec")
	trust := policyDoc(t, s.Resources("aws_iam_role")[role]["assume_role_policy"])
	if !strings.Contains(fmt.Sprint(trust), "ecs-tasks.amazonaws.com") {
		t.Errorf("execution role trust = %v", trust)
	}
	for _, p := range s.Resources("aws_iam_role_policy") {
		if p["role"] != ref("aws_iam_role", role, "id") {
			continue
		}
		doc := policyDoc(t, p["policy"])
		for _, st := range doc["Statement"].([]any) {
			m := st.(map[string]any)
			res := fmt.Sprint(m["Resource"])
			switch m["Sid"] {
			case "PullProjectImages":
				if strings.Contains(res, "site") || !strings.Contains(res, "aws_ecr_repository") {
					t.Errorf("pull scope %s: only the container apps' repositories", res)
				}
			case "WriteProjectLogs":
				if !strings.Contains(res, "aws_cloudwatch_log_group") || !strings.Contains(res, ":log-stream:*") {
					t.Errorf("log scope %s", res)
				}
			case "ReadGivenSecrets":
				// The app's declared secret, the RDS-managed one (Flyway's)
				// and the app role's (the service's).
				appRole := idOf(t, s, "aws_secretsmanager_secret", "name", "shop/orders/db-app-role")
				if res != "[${aws_secretsmanager_secret.secrets-orders_STRIPE_API_KEY_BD6A11D6.arn} ${aws_db_instance."+onlyID(t, s, "aws_db_instance")+".master_user_secret[0].secret_arn} ${aws_secretsmanager_secret."+appRole+".arn}]" {
					t.Errorf("secret scope %s: only the app secrets, the RDS-managed secret and the app role's", res)
				}
			case "RegistryLogin":
			default:
				t.Errorf("unexpected statement %v", m)
			}
		}
		return
	}
	t.Error("execution role has no inline policy")
}

func TestBootstrapStateBackend(t *testing.T) {
	s := plain.Stacks["cloud-bootstrap"]
	bucket, err := s.Only("aws_s3_bucket")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, bucket, "bucket", "shop-production-tfstate")
	eq(t, bucket, "force_destroy", false)
	eq(t, bucket, "lifecycle.prevent_destroy", true)
	id := onlyID(t, s, "aws_s3_bucket")
	on := ref("aws_s3_bucket", id, "id")
	v, _ := s.Only("aws_s3_bucket_versioning")
	eq(t, v, "bucket", on)
	eq(t, v, "versioning_configuration.status", "Enabled")
	enc, _ := s.Only("aws_s3_bucket_server_side_encryption_configuration")
	eq(t, enc, "rule", []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "AES256"}}})
	pab, _ := s.Only("aws_s3_bucket_public_access_block")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		eq(t, pab, k, true)
	}
	pol, _ := s.Only("aws_s3_bucket_policy")
	doc := policyDoc(t, pol["policy"])
	st := doc["Statement"].([]any)[0].(map[string]any)
	if st["Effect"] != "Deny" || fmt.Sprint(st["Condition"]) != "map[Bool:map[aws:SecureTransport:false]]" {
		t.Errorf("bucket policy must deny non-TLS requests: %v", st)
	}
	table, err := s.Only("aws_dynamodb_table")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, table, "name", "shop-production-tflock")
	eq(t, table, "hash_key", "LockID")
	eq(t, table, "billing_mode", "PAY_PER_REQUEST")
	eq(t, table, "server_side_encryption.enabled", true)
	eq(t, table, "lifecycle.prevent_destroy", true)
	eq(t, s.Terraform(), "backend.local.path", plain.Dir+"/terraform.cloud-bootstrap.tfstate")

	emu := emulated.Stacks["cloud-bootstrap"]
	b, _ := emu.Only("aws_s3_bucket")
	eq(t, b, "bucket", "shop-tfstate") // the configured bucket
	eq(t, b, "force_destroy", true)
	eq(t, b, "lifecycle.prevent_destroy", false)
	if n := len(emu.Resources("aws_s3_bucket_policy")); n != 0 {
		t.Errorf("emulator mode must gate the TLS-only policy (moto denies everything with it), found %d", n)
	}
}

func TestBootstrapDeployIdentity(t *testing.T) {
	s := plain.Stacks["cloud-bootstrap"]
	oidc, err := s.Only("aws_iam_openid_connect_provider")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, oidc, "url", "https://token.actions.githubusercontent.com")
	eq(t, oidc, "client_id_list", []any{"sts.amazonaws.com"})
	// Two roles, each trusting exactly one environment's subject.
	roles := map[string]string{}
	for name, env := range map[string]string{"shop-production-deploy": "production", "shop-production-promote": "release"} {
		role := idOf(t, s, "aws_iam_role", "name", name)
		roles[name] = role
		trust := policyDoc(t, s.Resources("aws_iam_role")[role]["assume_role_policy"])
		st := trust["Statement"].([]any)[0].(map[string]any)
		eq(t, st, "Principal.Federated", ref("aws_iam_openid_connect_provider", onlyID(t, s, "aws_iam_openid_connect_provider"), "arn"))
		cond := get(t, st, "Condition.StringEquals").(map[string]any)
		if got := cond["token.actions.githubusercontent.com:sub"]; got != "repo:acme/shop:environment:"+env {
			t.Errorf("%s trusts %v, want only the %s environment", name, got, env)
		}
		if cond["token.actions.githubusercontent.com:aud"] != "sts.amazonaws.com" {
			t.Errorf("audience = %v", cond["token.actions.githubusercontent.com:aud"])
		}
	}
	role := roles["shop-production-deploy"]
	policies := map[string]string{}
	for _, pol := range s.Resources("aws_iam_role_policy") {
		policies[fmt.Sprint(pol["role"])] = pol["policy"].(string)
	}
	text := policies[ref("aws_iam_role", role, "id")]
	doc := policyDoc(t, text)
	for _, st := range doc["Statement"].([]any) {
		for _, a := range st.(map[string]any)["Action"].([]any) {
			if a == "*" || strings.HasSuffix(a.(string), ":*") {
				t.Errorf("deploy policy allows %v", a)
			}
			if a == "ecr:PutImage" {
				t.Error("the deploy role can push images")
			}
		}
	}
	for _, want := range []string{"repository/shop/*", "role/shop-*", "table/shop-production-tflock", "aws:RequestTag/project", "data.aws_caller_identity"} {
		if !strings.Contains(text, want) {
			t.Errorf("deploy policy lacks %q", want)
		}
	}
	promote := policies[ref("aws_iam_role", roles["shop-production-promote"], "id")]
	if !strings.Contains(promote, "ecr:PutImage") || strings.Contains(promote, "iam:") || strings.Contains(promote, "ecs:") || strings.Contains(promote, "s3:DeleteObject") {
		t.Errorf("promote policy must push to ECR, keep manifests, and nothing else: %s", promote)
	}
	if !strings.Contains(promote, "shop-production-tfstate/shop/releases/*") || strings.Contains(promote, "shop-production-tfstate/shop/*") {
		t.Errorf("promote policy must reach only the releases in the state bucket: %s", promote)
	}
	outs := s.Outputs()
	eq(t, outs, "deploy_role_arn.value", ref("aws_iam_role", role, "arn"))
	eq(t, outs, "promote_role_arn.value", ref("aws_iam_role", roles["shop-production-promote"], "arn"))
	eq(t, outs, "state_bucket.value", ref("aws_s3_bucket", onlyID(t, s, "aws_s3_bucket"), "bucket"))
}

func TestCloudOutputsForPlatform(t *testing.T) {
	outs := plain.Stacks["cloud"].Outputs()
	for _, name := range []string{"public_subnet_ids", "private_subnet_ids", "service_subnet_ids", "security_group_ids",
		"repository_urls", "cluster_name", "cluster_arn", "execution_role_arn", "deploy_role_arn"} {
		if _, ok := outs[name]; !ok {
			t.Errorf("cloud stack lacks output %s", name)
		}
	}
	urls := fmt.Sprint(outs["repository_urls"])
	for _, app := range []string{"orders", "ranker", "web"} {
		if !strings.Contains(urls, app) {
			t.Errorf("repository_urls lacks %s: %s", app, urls)
		}
	}
	eq(t, outs, "deploy_role_arn.value", "arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:role/shop-production-deploy")
}
