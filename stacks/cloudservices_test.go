package stacks_test

import (
	"encoding/json"
	"fmt"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/config"

	"github.com/homecloud-dev/fullstack/stacks"
)

func TestCloudServiceTaskDefinition(t *testing.T) {
	s := plain.Stacks["cloud"]
	tdID := idOf(t, s, "aws_ecs_task_definition", "family", "shop-orders")
	td := s.Resources("aws_ecs_task_definition")[tdID]
	eq(t, td, "cpu", "256")
	eq(t, td, "memory", "512")
	exec := idOf(t, s, "aws_iam_role", "name", "shop-production-exec")
	task := idOf(t, s, "aws_iam_role", "name", "shop-orders-task")
	eq(t, td, "execution_role_arn", ref("aws_iam_role", exec, "arn"))
	eq(t, td, "task_role_arn", ref("aws_iam_role", task, "arn"))
	var defs []map[string]any
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	d := defs[0]
	repo := idOf(t, s, "aws_ecr_repository", "name", "shop/api/orders")
	eq(t, d, "image", ref("aws_ecr_repository", repo, "repository_url")+":${var."+stacks.ImageTagVariable+"}")
	eq(t, d, "portMappings", []any{map[string]any{"containerPort": 8080, "protocol": "tcp"}})
	env := fmt.Sprint(d["environment"])
	db := onlyID(t, s, "aws_db_instance")
	for _, want := range []string{"name:PGHOST value:" + ref("aws_db_instance", db, "address"), "name:PGDATABASE value:orders", "name:PGSSLMODE value:require", "name:PORT value:8080"} {
		if !strings.Contains(env, want) {
			t.Errorf("environment lacks %s: %s", want, env)
		}
	}
	if strings.Contains(env, "PGPASSWORD") || strings.Contains(env, "PGUSER") {
		t.Errorf("credentials in the plain environment: %s", env)
	}
	// The app's own role, never the master user.
	secret := ref("aws_secretsmanager_secret", idOf(t, s, "aws_secretsmanager_secret", "name", "shop/orders/db-app-role"), "arn")
	stripe := idOf(t, s, "aws_secretsmanager_secret", "name", "shop/orders/STRIPE_API_KEY")
	if got := fmt.Sprint(d["secrets"]); got != "[map[name:STRIPE_API_KEY valueFrom:"+ref("aws_secretsmanager_secret", stripe, "arn")+"] map[name:PGUSER valueFrom:"+secret+":username::] map[name:PGPASSWORD valueFrom:"+secret+":password::]]" {
		t.Errorf("secrets = %s", got)
	}
	// The app's secret: its value from the sensitive variable, nowhere else.
	version := s.Resources("aws_secretsmanager_secret_version")[idOf(t, s, "aws_secretsmanager_secret_version", "secret_id", ref("aws_secretsmanager_secret", stripe, "id"))]
	eq(t, version, "secret_string", "${var."+config.AppSecretVariable("orders", "STRIPE_API_KEY")+"}")
	eq(t, s.Variables(), config.AppSecretVariable("orders", "STRIPE_API_KEY")+".sensitive", true)
	eq(t, s.Resources("aws_secretsmanager_secret")[stripe], "recovery_window_in_days", 7)
	// A user's value is taken literally, never as a Terraform expression.
	if !strings.Contains(env, "name:GREETING value:$${not_an_expression}") {
		t.Errorf("env value not escaped: %s", env)
	}
	eq(t, d, "logConfiguration.options.awslogs-group", "/shop/orders")
	eq(t, s.Variables(), stacks.ImageTagVariable+".type", "string")
	// Given at deploy time: the empty default only stops Terraform from
	// prompting; the validation refuses it.
	eq(t, s.Variables(), stacks.ImageTagVariable+".default", "")
	if v := fmt.Sprint(s.Variables()[stacks.ImageTagVariable]); !strings.Contains(v, "export TF_VAR_image_tag") {
		t.Errorf("image_tag's check does not say how to set it: %s", v)
	}
}

func TestCloudServiceAndScaling(t *testing.T) {
	s := plain.Stacks["cloud"]
	svcID := idOf(t, s, "aws_ecs_service", "name", "orders")
	svc := s.Resources("aws_ecs_service")[svcID]
	eq(t, svc, "launch_type", "FARGATE")
	eq(t, svc, "desired_count", 1)
	eq(t, svc, "deployment_circuit_breaker.enable", true)
	eq(t, svc, "deployment_circuit_breaker.rollback", true)
	eq(t, svc, "health_check_grace_period_seconds", 30)
	eq(t, svc, "enable_execute_command", false)
	eq(t, svc, "lifecycle.ignore_changes", []any{"desired_count"})
	eq(t, svc, "network_configuration.assign_public_ip", false) // single NAT: private subnets
	sg := idOf(t, s, "aws_security_group", "name", "shop-production-services")
	eq(t, svc, "network_configuration.security_groups", []any{ref("aws_security_group", sg, "id")})
	tg := idOf(t, s, "aws_lb_target_group", "name", "shop-orders")
	eq(t, svc, "load_balancer", []any{map[string]any{"target_group_arn": ref("aws_lb_target_group", tg, "arn"), "container_name": "orders", "container_port": 8080}})
	deps := fmt.Sprint(svc["depends_on"])
	if !strings.Contains(deps, "aws_lb_listener_rule.") || !strings.Contains(deps, "terraform_data.") {
		t.Errorf("the service must wait for its listener rule and its migrations: %s", deps)
	}
	group := s.Resources("aws_lb_target_group")[tg]
	eq(t, group, "target_type", "ip")
	eq(t, group, "health_check.path", "/healthz")
	eq(t, group, "port", 8080)

	target := s.Resources("aws_appautoscaling_target")[idOf(t, s, "aws_appautoscaling_target", "min_capacity", 1)]
	eq(t, target, "max_capacity", 2)
	eq(t, target, "scalable_dimension", "ecs:service:DesiredCount")
	var cpu map[string]any
	for _, p := range s.Resources("aws_appautoscaling_policy") {
		if p["name"] == "shop-orders-cpu" {
			cpu = p
		}
	}
	if cpu == nil {
		t.Fatal("no CPU policy for orders")
	}
	eq(t, cpu, "policy_type", "TargetTrackingScaling")
	eq(t, cpu, "target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type", "ECSServiceAverageCPUUtilization")
	eq(t, cpu, "target_tracking_scaling_policy_configuration.target_value", 60)
	if n := len(s.Resources("aws_ecs_service")); n != 2 {
		t.Errorf("%d services, want one per api/model app", n)
	}
	emuSvc := emulated.Stacks["cloud"].Resources("aws_ecs_service")[idOf(t, emulated.Stacks["cloud"], "aws_ecs_service", "name", "orders")]
	eq(t, emuSvc, "enable_execute_command", true)
	eq(t, emuSvc, "network_configuration.assign_public_ip", true) // no NAT: public IP
	if n := len(emulated.Stacks["cloud"].Resources("aws_iam_role_policy")); n < 2 {
		t.Errorf("ECS Exec needs the task role's SSM channel policy")
	}
	// ECS Exec's agent writes its own paths under the read-only root.
	emuTD := emulated.Stacks["cloud"].Resources("aws_ecs_task_definition")[idOf(t, emulated.Stacks["cloud"], "aws_ecs_task_definition", "family", "shop-orders")]
	for _, path := range append([]string{"/tmp"}, ecscluster.ExecAgentPaths...) {
		if !strings.Contains(fmt.Sprint(emuTD["container_definitions"]), `"containerPath":"`+path+`"`) {
			t.Errorf("with ECS Exec, %s is not writable: %v", path, emuTD["container_definitions"])
		}
	}
}

func TestLoadBalancerRoutes(t *testing.T) {
	s := plain.Stacks["cloud"]
	lbID := onlyID(t, s, "aws_lb")
	lb := s.Resources("aws_lb")[lbID]
	eq(t, lb, "name", "shop-production")
	// Internal, in the private subnets: only CloudFront reaches it.
	eq(t, lb, "internal", true)
	if subnets := fmt.Sprint(lb["subnets"]); !strings.Contains(subnets, "private") || strings.Contains(subnets, "public") {
		t.Errorf("the load balancer is in %s, want the private subnets", subnets)
	}
	eq(t, lb, "drop_invalid_header_fields", true)
	listener, err := s.Only("aws_lb_listener")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, listener, "port", 80)
	eq(t, listener, "default_action", []any{map[string]any{"type": "fixed-response", "fixed_response": map[string]any{"content_type": "text/plain", "message_body": "not found", "status_code": "404"}}})
	rules := map[string]string{}
	priorities := map[any]bool{}
	for _, r := range s.Resources("aws_lb_listener_rule") {
		rules[fmt.Sprint(r["condition"])] = fmt.Sprint(r["priority"])
		if priorities[r["priority"]] {
			t.Errorf("two rules share priority %v", r["priority"])
		}
		priorities[r["priority"]] = true
	}
	// Each rule also requires the origin header of the distribution that
	// serves its app (TestOriginIsolation).
	want := map[string]string{"[map[path_pattern:map[values:[/orders/*]]] map[http_header:map[http_header_name:X-Fullstack-Origin values:[orders]]]]": "10",
		"[map[path_pattern:map[values:[/ranker/*]]] map[http_header:map[http_header_name:X-Fullstack-Origin values:[ranker]]]]": "20",
		// The site web's /api/ goes to its API whatever the API's route.
		"[map[path_pattern:map[values:[/api/*]]] map[http_header:map[http_header_name:X-Fullstack-Origin values:[web]]]]": "5"}
	if fmt.Sprint(rules) != fmt.Sprint(want) {
		t.Errorf("rules = %v, want %v", rules, want)
	}
	// HTTPS through CloudFront: orders under its site's /api, ranker
	// through a distribution of its own; both reach the load balancer
	// through its one VPC origin.
	site := idOf(t, s, "aws_cloudfront_distribution", "comment", "shop web")
	api := idOf(t, s, "aws_cloudfront_distribution", "comment", "shop ranker API")
	eq(t, s.Outputs(), "service_urls.value.orders", "https://"+ref("aws_cloudfront_distribution", site, "domain_name")+"/api")
	eq(t, s.Outputs(), "service_urls.value.ranker", "https://"+ref("aws_cloudfront_distribution", api, "domain_name")+"/ranker")
	vpcOrigin := onlyID(t, s, "aws_cloudfront_vpc_origin")
	eq(t, s.Resources("aws_cloudfront_vpc_origin")[vpcOrigin], "vpc_origin_endpoint_config", []any{map[string]any{
		"name": "shop-production", "arn": ref("aws_lb", lbID, "arn"), "http_port": 80, "https_port": 443, "origin_protocol_policy": "http-only",
		"origin_ssl_protocols": []any{map[string]any{"items": []any{"TLSv1.2"}, "quantity": 1}},
	}})
	for _, id := range []string{site, api} {
		origins := fmt.Sprint(s.Resources("aws_cloudfront_distribution")[id]["origin"])
		if !strings.Contains(origins, "vpc_origin_id:"+ref("aws_cloudfront_vpc_origin", vpcOrigin, "id")) || strings.Contains(origins, "custom_origin_config") {
			t.Errorf("distribution %s does not reach the load balancer through the VPC origin: %s", id, origins)
		}
	}

	// An API with a domain of its own: its distribution has the alias and
	// the certificate, and the service's URL is the domain.
	e := emulated.Stacks["cloud"]
	ranker := e.Resources("aws_cloudfront_distribution")[idOf(t, e, "aws_cloudfront_distribution", "comment", "shop ranker API")]
	eq(t, ranker, "aliases", []any{"rank.shop.example.com"})
	eq(t, ranker, "viewer_certificate.acm_certificate_arn", "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f")
	eq(t, ranker, "viewer_certificate.minimum_protocol_version", "TLSv1.2_2021")
	eq(t, e.Outputs(), "service_urls.value.ranker", "https://rank.shop.example.com/ranker")
}
