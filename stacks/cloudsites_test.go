package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
)

func TestCloudSite(t *testing.T) {
	s := plain.Stacks["cloud"]
	bucketID := onlyID(t, s, "aws_s3_bucket")
	bucket := s.Resources("aws_s3_bucket")[bucketID]
	eq(t, bucket, "bucket_prefix", "shop-web-")
	on := ref("aws_s3_bucket", bucketID, "id")
	pab, _ := s.Only("aws_s3_bucket_public_access_block")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		eq(t, pab, k, true)
	}
	v, _ := s.Only("aws_s3_bucket_versioning")
	eq(t, v, "bucket", on)
	eq(t, v, "versioning_configuration.status", "Enabled")
	if _, err := s.Only("aws_s3_bucket_server_side_encryption_configuration"); err != nil {
		t.Error(err)
	}
	distID := idOf(t, s, "aws_cloudfront_distribution", "comment", "shop web")
	pol, _ := s.Only("aws_s3_bucket_policy")
	doc := policyDoc(t, pol["policy"])
	text := fmt.Sprint(doc)
	for _, want := range []string{"Service:cloudfront.amazonaws.com", "AWS:SourceArn:" + ref("aws_cloudfront_distribution", distID, "arn"), "aws:SecureTransport:false", "Effect:Deny"} {
		if !strings.Contains(text, want) {
			t.Errorf("bucket policy lacks %s: %s", want, text)
		}
	}
	oac, _ := s.Only("aws_cloudfront_origin_access_control")
	eq(t, oac, "signing_behavior", "always")
	eq(t, oac, "origin_access_control_origin_type", "s3")

	d := s.Resources("aws_cloudfront_distribution")[distID]
	eq(t, d, "default_root_object", "index.html")
	eq(t, d, "default_cache_behavior.viewer_protocol_policy", "redirect-to-https")
	eq(t, d, "default_cache_behavior.min_ttl", 0)
	eq(t, d, "default_cache_behavior.default_ttl", 3600)
	eq(t, d, "default_cache_behavior.max_ttl", 86400)
	headers := onlyID(t, s, "aws_cloudfront_response_headers_policy")
	eq(t, d, "default_cache_behavior.response_headers_policy_id", ref("aws_cloudfront_response_headers_policy", headers, "id"))
	if got := fmt.Sprint(d["custom_error_response"]); !strings.Contains(got, "error_code:403") || !strings.Contains(got, "response_page_path:/index.html") {
		t.Errorf("SPA error responses = %s", got)
	}
	origins := fmt.Sprint(d["origin"])
	if !strings.Contains(origins, "origin_access_control_id:"+ref("aws_cloudfront_origin_access_control", onlyID(t, s, "aws_cloudfront_origin_access_control"), "id")) {
		t.Errorf("the S3 origin must use the OAC: %s", origins)
	}
	lb := onlyID(t, s, "aws_lb")
	if !strings.Contains(origins, "domain_name:"+ref("aws_lb", lb, "dns_name")) ||
		!strings.Contains(origins, "vpc_origin_id:"+ref("aws_cloudfront_vpc_origin", onlyID(t, s, "aws_cloudfront_vpc_origin"), "id")) {
		t.Errorf("the API origin is the load balancer, through its VPC origin: %s", origins)
	}
	if got := fmt.Sprint(d["ordered_cache_behavior"]); !strings.Contains(got, "path_pattern:/api/*") || !strings.Contains(got, "target_origin_id:api") {
		t.Errorf("/api/* behaviour = %s", got)
	}
	eq(t, d, "viewer_certificate.cloudfront_default_certificate", true)
	eq(t, s.Outputs(), "site_urls.value.web", "https://"+ref("aws_cloudfront_distribution", distID, "domain_name"))

	objects := map[string]map[string]any{}
	for _, o := range s.Resources("aws_s3_object") {
		objects[o["key"].(string)] = o
	}
	eq(t, objects["index.html"], "content_type", "text/html; charset=utf-8")
	eq(t, objects["index.html"], "cache_control", "no-cache")
	js := objects["assets/app.0123abcd.js"]
	eq(t, js, "content_type", "text/javascript; charset=utf-8")
	eq(t, js, "cache_control", "public, max-age=31536000, immutable")
	if len(fmt.Sprint(js["source_hash"])) != 64 {
		t.Errorf("source_hash = %v", js["source_hash"])
	}
	var inv map[string]any
	for id, r := range s.Resources("terraform_data") {
		if strings.HasPrefix(id, "site-web") {
			inv = r
		}
	}
	if inv == nil {
		t.Fatal("no invalidation")
	}
	files, _ := clientsite.Files(projectDir + "/apps/web")
	eq(t, inv, "triggers_replace", []any{clientsite.ContentHash(files)})

	e := emulated.Stacks["cloud"]
	ep, _ := e.Only("aws_s3_bucket_policy")
	if strings.Contains(fmt.Sprint(ep["policy"]), "SecureTransport") {
		t.Error("emulator mode leaves the TLS-only statement out (moto ignores Deny conditions)")
	}
	if n := len(e.Resources("aws_cloudfront_response_headers_policy")); n != 0 {
		t.Error("emulator mode leaves the response headers policy out (moto has no API for it)")
	}
}

func TestSiteDomainCertificateFromUSEast1(t *testing.T) {
	s := perAZ.Stacks["cloud"]
	providers := s.JSON["provider"].(map[string]any)["aws"].([]any)
	var alias map[string]any
	for _, p := range providers {
		if m := p.(map[string]any); m["alias"] == "us_east_1" {
			alias = m
		}
	}
	if alias == nil || alias["region"] != "us-east-1" {
		t.Fatalf("no us-east-1 provider alias: %v", providers)
	}
	data := s.JSON["data"].(map[string]any)["aws_acm_certificate"].(map[string]any)["certificate-web"].(map[string]any)
	eq(t, data, "provider", "aws.us_east_1")
	eq(t, data, "domain", "shop.example.com")
	eq(t, data, "statuses", []any{"ISSUED"})
	d := s.Resources("aws_cloudfront_distribution")[idOf(t, s, "aws_cloudfront_distribution", "comment", "shop web")]
	eq(t, d, "aliases", []any{"shop.example.com"})
	eq(t, d, "viewer_certificate.acm_certificate_arn", "${data.aws_acm_certificate.certificate-web.arn}")
	eq(t, d, "viewer_certificate.ssl_support_method", "sni-only")
	eq(t, d, "viewer_certificate.minimum_protocol_version", "TLSv1.2_2021")
	eq(t, s.Outputs(), "site_urls.value.web", "https://shop.example.com")
}
