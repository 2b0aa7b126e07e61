module github.com/homecloud-dev/fullstack/examples

go 1.26.8

require (
	github.com/aws/jsii-runtime-go v1.106.0
	github.com/hashicorp/terraform-cdk-go/cdktf v0.20.11
	github.com/homecloud-dev/fullstack v0.0.0
)

require (
	github.com/Masterminds/semver/v3 v3.3.1 // indirect
	github.com/aws/constructs-go/constructs/v10 v10.4.2 // indirect
	github.com/cdktf/cdktf-provider-aws-go/aws/v19 v19.50.0 // indirect
	github.com/cdktf/cdktf-provider-docker-go/docker/v11 v11.0.0 // indirect
	github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11 v11.4.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/lint v0.0.0-20210508222113-6edffad5e616 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/telemetry v0.0.0-20261009151841-97e8ea77aa2a // indirect
	golang.org/x/tools v0.52.1-0.20261106145633-d407941a339a // indirect
)

replace github.com/homecloud-dev/fullstack => ../
