package harness_test

import (
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"

	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPostgresAcceptsPasswordAndRefusesWrongOne(t *testing.T) {
	pg := harnesstest.PostgresT(t, harness.PostgresOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.DSN("postgres"))
	if err != nil {
		t.Fatalf("connect with the right password: %v", err)
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 = %d, %v", one, err)
	}
	wrong := *pg
	wrong.Password = "not-the-password"
	if c, err := pgx.Connect(ctx, wrong.DSN("postgres")); err == nil {
		c.Close(ctx)
		t.Fatal("a wrong password was accepted")
	} else if !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("want a password failure, got %v", err)
	}
}

func TestPostgresStopRemovesEverything(t *testing.T) {
	pg, err := harness.StartPostgres(t.TempDir(), harness.PostgresOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pg.Stop()
	if _, err := os.Stat(pg.Dir); !os.IsNotExist(err) {
		t.Errorf("cluster directory %s still exists after Stop", pg.Dir)
	}
	if c, err := pgx.Connect(context.Background(), pg.DSN("postgres")); err == nil {
		c.Close(context.Background())
		t.Error("server still accepts connections after Stop")
	}
}

func TestCLIConfigUsesMirror(t *testing.T) {
	mirror := t.TempDir()
	prov := filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64")
	if err := os.MkdirAll(prov, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(harness.MirrorEnv, mirror)
	dir := t.TempDir()
	path, err := harness.WriteCLIConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{`path    = "` + mirror + `"`, `include = ["registry.terraform.io/hashicorp/aws"]`, `exclude = ["registry.terraform.io/hashicorp/aws"]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("CLI config lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "plugin_cache_dir") {
		t.Errorf("a mirror is linked; no plugin cache should be set:\n%s", data)
	}
}

func TestCLIConfigTwoMirrors(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	for _, p := range []string{
		filepath.Join(first, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"),
		filepath.Join(second, "registry.terraform.io", "hashicorp", "aws", "5.99.0", "linux_amd64"),
		filepath.Join(second, "registry.terraform.io", "kreuzwerker", "docker", "3.0.2", "linux_amd64"),
	} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(harness.MirrorEnv, first+string(os.PathListSeparator)+second)
	mirrors, err := harness.FindProviderMirrors()
	if err != nil {
		t.Fatal(err)
	}
	got := harness.CLIConfig(mirrors, "")
	for _, want := range []string{
		`path    = "` + first + `"` + "\n    include = [\"registry.terraform.io/hashicorp/aws\"]",
		`path    = "` + second + `"` + "\n    include = [\"registry.terraform.io/kreuzwerker/docker\"]",
		`exclude = ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/kreuzwerker/docker"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CLI config lacks %q:\n%s", want, got)
		}
	}
}

func TestCLIConfigWithoutMirrorUsesRegistry(t *testing.T) {
	got := harness.CLIConfig(nil, "/cache")
	if strings.Contains(got, "provider_installation") || !strings.Contains(got, `plugin_cache_dir = "/cache"`) {
		t.Errorf("without a mirror the config must only set the cache:\n%s", got)
	}
}

func TestMirrorEnvMustHoldProviders(t *testing.T) {
	t.Setenv(harness.MirrorEnv, t.TempDir())
	if _, err := harness.FindProviderMirrors(); err == nil || !strings.Contains(err.Error(), harness.MirrorEnv) {
		t.Errorf("an empty mirror must be refused naming %s, got %v", harness.MirrorEnv, err)
	}
}

// TestEmulatorHasAutoScalingTags checks the launcher's handlers: tags of a
// scalable target round-trip.
func TestEmulatorHasAutoScalingTags(t *testing.T) {
	e := harnesstest.EmulatorT(t)
	call := func(target, body string) string {
		t.Helper()
		code, out, err := e.Request("application-autoscaling", "us-east-1", "POST", "/",
			map[string]string{"X-Amz-Target": "AnyScaleFrontendService." + target, "Content-Type": "application/x-amz-json-1.1"}, body)
		if err != nil || code != 200 {
			t.Fatalf("%s: %d %v %s", target, code, err, out)
		}
		return string(out)
	}
	call("RegisterScalableTarget", `{"ServiceNamespace":"dynamodb","ResourceId":"table/orders","ScalableDimension":"dynamodb:table:ReadCapacityUnits","MinCapacity":1,"MaxCapacity":2,"Tags":{"env":"test"}}`)
	described := call("DescribeScalableTargets", `{"ServiceNamespace":"dynamodb"}`)
	i := strings.Index(described, `"ScalableTargetARN": "`)
	if i < 0 {
		t.Fatalf("no ARN in %s", described)
	}
	arn := described[i+len(`"ScalableTargetARN": "`):]
	arn = arn[:strings.Index(arn, `"`)]
	call("TagResource", `{"ResourceARN":"`+arn+`","Tags":{"project":"shop","app":"orders"}}`)
	call("UntagResource", `{"ResourceARN":"`+arn+`","TagKeys":["app"]}`)
	if got := call("ListTagsForResource", `{"ResourceARN":"`+arn+`"}`); got != `{"Tags": {"env": "test", "project": "shop"}}` {
		t.Errorf("tags = %s", got)
	}
}
