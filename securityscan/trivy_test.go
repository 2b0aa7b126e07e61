package securityscan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trivy returns the binary scripts/setup builds; the scan is part of the
// test command, so its absence is a failure, not a skip.
func trivy(t *testing.T) string {
	t.Helper()
	path := TrivyPath()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("trivy %s is not at %s: run ./scripts/setup", TrivyVersion, path)
	}
	return path
}

// writeStack writes one stack file under dir/<stack>/.
func writeStack(t *testing.T, dir, stack, file, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, stack), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stack, file), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ids(fs []Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		out[f.ID] = true
	}
	return out
}

// TestTrivyMisreadsJSONBlocks is the evidence behind every "parser" entry
// of security/accepted-findings.yaml: the same resource, written as HCL
// and as Terraform JSON (what cdktf writes), passes the check in HCL and
// fails it in JSON. When a Trivy upgrade fixes its JSON reader, this test
// fails: drop the entry then.
func TestTrivyMisreadsJSONBlocks(t *testing.T) {
	bin := trivy(t)
	cases := []struct {
		checks    []string
		hcl, json string
	}{
		{[]string{"AWS-0030"},
			`resource "aws_ecr_repository" "r" {
  name = "r"
  image_scanning_configuration {
    scan_on_push = true
  }
}`,
			`{"resource": {"aws_ecr_repository": {"r": {"name": "r", "image_scanning_configuration": {"scan_on_push": true}}}}}`},
		{[]string{"AWS-0034"},
			`resource "aws_ecs_cluster" "c" {
  name = "c"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}`,
			`{"resource": {"aws_ecs_cluster": {"c": {"name": "c", "setting": [{"name": "containerInsights", "value": "enabled"}]}}}}`},
		{[]string{"AWS-0024"},
			`resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
}`,
			`{"resource": {"aws_dynamodb_table": {"t": {"name": "t", "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}], "point_in_time_recovery": {"enabled": true}}}}}`},
		{[]string{"AWS-0090"},
			`resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}`,
			`{"resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}, "aws_s3_bucket_versioning": {"v": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}}}}`},
		{[]string{"AWS-0013"},
			`resource "aws_cloudfront_distribution" "d" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:111111111111:certificate/x"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}`,
			`{"resource": {"aws_cloudfront_distribution": {"d": {"enabled": true, "viewer_certificate": {"acm_certificate_arn": "arn:aws:acm:us-east-1:111111111111:certificate/x", "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"}}}}}`},
		// A resource of an aliased provider (us-east-1's) loses its
		// attributes in JSON: the key's rotation and the topic's key.
		{[]string{"AWS-0095", "AWS-0065"},
			`provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
resource "aws_kms_key" "k" {
  provider            = aws.us_east_1
  enable_key_rotation = true
}
resource "aws_sns_topic" "t" {
  provider          = aws.us_east_1
  name              = "t"
  kms_master_key_id = aws_kms_key.k.arn
}`,
			`{"provider": {"aws": [{"alias": "us_east_1", "region": "us-east-1"}]}, "resource": {"aws_kms_key": {"k": {"provider": "aws.us_east_1", "enable_key_rotation": true}}, "aws_sns_topic": {"t": {"provider": "aws.us_east_1", "name": "t", "kms_master_key_id": "${aws_kms_key.k.arn}"}}}}`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.checks, "+"), func(t *testing.T) {
			dir := t.TempDir()
			writeStack(t, dir, "hcl", "main.tf", c.hcl)
			writeStack(t, dir, "json", "cdk.tf.json", c.json)
			findings, err := Scan(bin, dir)
			if err != nil {
				t.Fatal(err)
			}
			byStack := map[string][]Finding{}
			for _, f := range findings {
				byStack[f.Stack] = append(byStack[f.Stack], f)
			}
			for _, check := range c.checks {
				if ids(byStack["hcl"])[check] {
					t.Errorf("%s flags the HCL form too: it is not a parser false positive", check)
				}
				if !ids(byStack["json"])[check] {
					t.Errorf("%s no longer flags the JSON form: Trivy reads it now, drop the parser entry from %s", check, AcceptedFile)
				}
			}
		})
	}
}

// TestAStackTrivyCannotReadFailsTheScan: a stack Trivy cannot parse
// yields no finding and exit 0; the scan must not pass it.
func TestAStackTrivyCannotReadFailsTheScan(t *testing.T) {
	bin := trivy(t)
	dir := t.TempDir()
	writeStack(t, dir, "cloud", "cdk.tf.json", `{"resource": {"aws_s3_bucket": {"b": {"bucket": `)
	if _, err := Scan(bin, dir); err == nil || !strings.Contains(err.Error(), "trivy could not read every stack") {
		t.Fatalf("a truncated stack: %v", err)
	}
}

// TestTrivyHasNoChecksForUncheckedProviders is the evidence that Scan
// loses nothing when it passes over the home stacks: a container and a
// database role with the riskiest settings those providers have yield no
// finding, while the same stack with one S3 bucket added is scanned.
func TestTrivyHasNoChecksForUncheckedProviders(t *testing.T) {
	bin := trivy(t)
	dir := t.TempDir()
	home := `{"resource": {
  "docker_container": {"c": {"name": "c", "image": "x", "privileged": true, "network_mode": "host", "pid_mode": "host", "user": "root", "read_only": false, "capabilities": {"add": ["ALL"]}}},
  "postgresql_role": {"r": {"name": "r", "superuser": true, "login": true, "password": "plain"}},
  "docker_image": {"i": {"name": "x:latest"}},
  "random_password": {"p": {"length": 8}},
  "null_resource": {"n": {}}
}}`
	writeStack(t, dir, "home", StackFile, home)
	if found, err := ScanExcept(bin, dir, nil); err != nil || len(found) != 0 {
		t.Fatalf("Trivy on docker and postgresql resources: %v %v, want no finding", found, err)
	}
	mixed := strings.Replace(home, `"null_resource"`, `"aws_s3_bucket": {"b": {"bucket": "b"}}, "null_resource"`, 1)
	writeStack(t, dir, "mixed", StackFile, mixed)
	if all, unchecked, err := Stacks(dir); err != nil || strings.Join(all, " ") != "home mixed" || strings.Join(unchecked, " ") != "home" {
		t.Errorf("Stacks = %v, %v, %v; want home and mixed, only home unchecked", all, unchecked, err)
	}
	found, err := Scan(bin, dir)
	if err != nil || len(found) == 0 {
		t.Fatalf("Scan of a stack with an S3 bucket among home resources: %v %v, want findings", found, err)
	}
	for _, f := range found {
		if f.Stack != "mixed" {
			t.Errorf("a finding outside the mixed stack: %s", f)
		}
	}
}
