package librarytest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/cloud/accesslogs"
	"github.com/homecloud-dev/fullstack/constructs/cloud/apidistribution"
	cloudappdatabase "github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/constructs/cloud/appsecrets"
	"github.com/homecloud-dev/fullstack/constructs/cloud/awsprovider"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ciidentity"
	cloudclientsite "github.com/homecloud-dev/fullstack/constructs/cloud/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/cloud/containerregistry"
	"github.com/homecloud-dev/fullstack/constructs/cloud/ecscluster"
	"github.com/homecloud-dev/fullstack/constructs/cloud/kmskey"
	"github.com/homecloud-dev/fullstack/constructs/cloud/loadbalancer"
	"github.com/homecloud-dev/fullstack/constructs/cloud/network"
	cloudrestservice "github.com/homecloud-dev/fullstack/constructs/cloud/restservice"
	"github.com/homecloud-dev/fullstack/constructs/cloud/statebackend"
	"github.com/homecloud-dev/fullstack/constructs/cloud/webacl"
	onpremappdatabase "github.com/homecloud-dev/fullstack/constructs/onprem/appdatabase"
	onpremclientsite "github.com/homecloud-dev/fullstack/constructs/onprem/clientsite"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgresqlprovider"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	onpremrestservice "github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/constructs/onprem/rollout"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/providers"
)

// TestZeroProps calls every constructor with zero props, as a caller who
// forgot them would: each must return one error that names the construct's
// path and every required field, must not panic, and must add nothing to
// the stack.
func TestZeroProps(t *testing.T) {
	type ctor func(s cdktf.TerraformStack) error
	ignore := func(_ any, err error) error { return err }
	cases := []struct {
		name   string
		new    ctor
		fields []string
	}{
		{"awsprovider", func(s cdktf.TerraformStack) error { return ignore(awsprovider.New(s, "c", awsprovider.Props{})) }, []string{"Region"}},
		{"network", func(s cdktf.TerraformStack) error { return ignore(network.New(s, "c", network.Props{})) }, []string{"Name", "Region", "Zones", "CIDR"}},
		{"ecscluster", func(s cdktf.TerraformStack) error { return ignore(ecscluster.New(s, "c", ecscluster.Props{})) }, []string{"Name", "ExecutionRoleName"}},
		{"loadbalancer", func(s cdktf.TerraformStack) error { return ignore(loadbalancer.New(s, "c", loadbalancer.Props{})) }, []string{"Name", "Network"}},
		{"containerregistry", func(s cdktf.TerraformStack) error {
			return ignore(containerregistry.New(s, "c", containerregistry.Props{}))
		}, []string{"Project"}},
		{"cloud/restservice", func(s cdktf.TerraformStack) error {
			return ignore(cloudrestservice.New(s, "c", cloudrestservice.Props{}))
		}, []string{"Project", "App", "Repository", "ImageTag", "Cluster", "Network", "LoadBalancer", "LogGroup", "Region", "Port", "HealthCheckPath"}},
		{"cloud/appdatabase", func(s cdktf.TerraformStack) error {
			return ignore(cloudappdatabase.New(s, "c", cloudappdatabase.Props{}))
		}, []string{"Project", "App", "EngineVersion", "Network"}},
		{"cloud/appdatabase migration task", func(s cdktf.TerraformStack) error {
			return ignore(cloudappdatabase.NewMigrationTask(s, "c", cloudappdatabase.MigrationTaskProps{}))
		}, []string{"DB", "Repository", "Cluster", "Network", "LogGroup", "Region"}},
		{"cloud/clientsite", func(s cdktf.TerraformStack) error {
			return ignore(cloudclientsite.New(s, "c", cloudclientsite.Props{}))
		}, []string{"Project", "App", "Files"}},
		{"apidistribution", func(s cdktf.TerraformStack) error {
			return ignore(apidistribution.New(s, "c", apidistribution.Props{}))
		}, []string{"Project", "App", "LoadBalancer"}},
		{"kmskey", func(s cdktf.TerraformStack) error { return ignore(kmskey.New(s, "c", kmskey.Props{})) }, []string{"Alias", "Region"}},
		{"webacl", func(s cdktf.TerraformStack) error { return ignore(webacl.New(s, "c", webacl.Props{})) }, []string{"Name", "Scope"}},
		{"accesslogs", func(s cdktf.TerraformStack) error { return ignore(accesslogs.New(s, "c", accesslogs.Props{})) }, []string{"BucketPrefix"}},
		{"appsecrets", func(s cdktf.TerraformStack) error { return ignore(appsecrets.New(s, "c", appsecrets.Props{})) }, []string{"Project", "App", "Values"}},
		{"statebackend", func(s cdktf.TerraformStack) error { return ignore(statebackend.New(s, "c", statebackend.Props{})) }, []string{"Bucket", "LockTable"}},
		{"ciidentity", func(s cdktf.TerraformStack) error { return ignore(ciidentity.New(s, "c", ciidentity.Props{})) }, []string{"Owner", "Repo", "RoleName"}},
		{"dockerprovider", func(s cdktf.TerraformStack) error { return ignore(dockerprovider.New(s, "c", dockerprovider.Props{})) }, []string{"Host"}},
		{"postgresqlprovider", func(s cdktf.TerraformStack) error {
			return ignore(postgresqlprovider.New(s, "c", postgresqlprovider.Props{}))
		}, []string{"Host", "Port", "Username", "Version"}},
		{"dockernetwork", func(s cdktf.TerraformStack) error { return ignore(dockernetwork.New(s, "c", dockernetwork.Props{})) }, []string{"Name"}},
		{"registry", func(s cdktf.TerraformStack) error { return ignore(registry.New(s, "c", registry.Props{})) }, []string{"Project", "Network", "Port"}},
		{"postgrescluster", func(s cdktf.TerraformStack) error {
			return ignore(postgrescluster.New(s, "c", postgrescluster.Props{}))
		}, []string{"Project", "Network", "ImageTag", "Password", "Port"}},
		{"postgrescluster backup", func(s cdktf.TerraformStack) error {
			return ignore(postgrescluster.NewBackup(s, "c", postgrescluster.BackupProps{}))
		}, []string{"Project", "Cluster", "Network"}},
		{"onprem/appdatabase", func(s cdktf.TerraformStack) error {
			return ignore(onpremappdatabase.New(s, "c", onpremappdatabase.Props{}))
		}, []string{"Project", "App", "Password", "Cluster", "Network"}},
		{"onprem/restservice", func(s cdktf.TerraformStack) error {
			return ignore(onpremrestservice.New(s, "c", onpremrestservice.Props{}))
		}, []string{"Project", "App", "Kind", "SourceDir", "SourceHash", "Registry", "Network", "Port", "Proxy", "HealthCheckCommand"}},
		{"onprem/clientsite", func(s cdktf.TerraformStack) error {
			return ignore(onpremclientsite.New(s, "c", onpremclientsite.Props{}))
		}, []string{"Project", "App", "Context.Dir", "Registry", "Network", "Proxy"}},
		{"frontproxy", func(s cdktf.TerraformStack) error { return ignore(frontproxy.New(s, "c", frontproxy.Props{})) },
			[]string{"Project", "Network", "BindAddress", "DockerHost", "Routes"}},
		{"rollout", func(s cdktf.TerraformStack) error { return ignore(rollout.New(s, "c", rollout.Props{})) },
			[]string{"Project", "App", "Config", "Proxy", "HealthCheckCommand", "Health", "Port"}},
		{"localimage", func(s cdktf.TerraformStack) error { return ignore(localimage.New(s, "c", localimage.Props{})) }, []string{"Registry", "ContextDir", "Hash"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stack := newStack(t, "lib")
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return c.new(stack)
			}()
			if err == nil {
				t.Fatal("no error for zero props")
			}
			msg := err.Error()
			if strings.HasPrefix(msg, "panic: ") {
				t.Fatal(msg)
			}
			for _, f := range c.fields {
				if !strings.Contains(msg, "lib/c: "+f) {
					t.Errorf("error does not name lib/c: %s:\n%s", f, msg)
				}
			}
			if n := len(*stack.Node().Children()); n != 0 {
				t.Errorf("a failed constructor left %d children in the stack", n)
			}
		})
	}
}

// TestDuplicatesAreErrors: a second construct or variable under a taken id
// is an error naming both paths, never jsii's panic, and adds nothing.
func TestDuplicatesAreErrors(t *testing.T) {
	_, s := newStack(t, "dup")
	if _, err := dockernetwork.New(s, "orders-net", dockernetwork.Props{Name: "a"}); err != nil {
		t.Fatal(err)
	}
	_, err := dockernetwork.New(s, "orders-net", dockernetwork.Props{Name: "b"})
	if err == nil || !strings.Contains(err.Error(), `dup/orders-net: id "orders-net": is already used by dup/orders-net`) {
		t.Errorf("a second construct of the same id: %v", err)
	}
	// The error is a value a caller can inspect.
	var fe *propcheck.FieldError
	if !errors.As(err, &fe) || fe.Path != "dup/orders-net" || fe.Field != "id" {
		t.Errorf("errors.As(%v) = %+v, want the typed path and field", err, fe)
	}
	if _, err := providers.PasswordVariable(s, "orders_password", "first"); err != nil {
		t.Fatal(err)
	}
	_, err = providers.PasswordVariable(s, "orders_password", "second")
	if err == nil || !strings.Contains(err.Error(), `dup: variable "orders_password" is already used by dup/orders_password`) {
		t.Errorf("a second variable of the same name: %v", err)
	}
	// Another id, the same Docker name: the names a stack gives Docker
	// and PostgreSQL are unique too.
	_, err = dockernetwork.New(s, "other-net", dockernetwork.Props{Name: "a"})
	if err == nil || !strings.Contains(err.Error(), `dup/other-net: Docker network "a": is already used in this stack by`) || !strings.Contains(err.Error(), "(dup/orders-net)") {
		t.Errorf("a second network of the same name: %v", err)
	}
	// The network, its name's claim and the variable; nothing of the refused ones.
	if n := len(*s.Node().Children()); n != 3 {
		t.Errorf("%d children after three refused duplicates, want 3", n)
	}
}

// TestBuildInputsAreChecked: an on-prem service whose source folder has no
// Dockerfile, or does not exist, is refused at construction, naming the
// construct and the field (it used to fail only at apply).
func TestBuildInputsAreChecked(t *testing.T) {
	_, s := newStack(t, "inputs")
	empty := t.TempDir()
	for _, dir := range []string{empty, empty + "/missing"} {
		_, err := onpremrestservice.New(s, "svc", onpremrestservice.Props{SourceDir: dir})
		if want := `inputs/svc: SourceDir "` + dir + `": holds no Dockerfile`; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("source %s: %v, want %q", dir, err, want)
		}
	}
}

// TestNilDependenciesAreRefused: a nil in a dependency list is named.
func TestNilDependenciesAreRefused(t *testing.T) {
	_, s := newStack(t, "deps")
	_, err := cloudrestservice.New(s, "svc", cloudrestservice.Props{After: []cdktf.ITerraformDependable{nil}})
	if err == nil || !strings.Contains(err.Error(), "deps/svc: After[0] is nil") {
		t.Errorf("a nil dependency: %v", err)
	}
}

// TestSharedRulesWording: the rules propcheck shares read the same in
// every construct (a minimum, a range, a choice).
func TestSharedRulesWording(t *testing.T) {
	_, stack := newStack(t, "lib")
	_, err := containerregistry.New(stack, "ecr", containerregistry.Props{Project: "lib", KeepTaggedImages: -1, UntaggedExpiryDays: 3,
		Repositories: []containerregistry.Repository{{App: "orders", Kind: "job"}}})
	want := []string{"lib/ecr: KeepTaggedImages -1: must be at least 1", `lib/ecr: Repositories[0].Kind "job": is not one of api, site, model`}
	_, err2 := webacl.New(stack, "acl", webacl.Props{Name: "acl", Scope: "GLOBAL", RateLimit: 5})
	want = append(want, `lib/acl: Scope "GLOBAL": is not one of CLOUDFRONT, REGIONAL`, "lib/acl: RateLimit 5: is outside 10-2000000000")
	msg := fmt.Sprint(err, err2)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("errors lack %q:\n%s", w, msg)
		}
	}
}
