package dockercontainer

import (
	"reflect"
	"slices"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
)

// Every setting of a container, whatever its name, renews the revision;
// only the name and Terraform's meta-arguments do not.
func TestEverySettingIsATrigger(t *testing.T) {
	cfg := &container.ContainerConfig{}
	v := reflect.ValueOf(cfg).Elem()
	var settings []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case f.Kind() == reflect.Interface && f.Type().NumMethod() == 0:
			f.Set(reflect.ValueOf(true)) // bool | IResolvable settings
		default:
			continue // typed interfaces: Terraform's provider, connection, count
		}
		if name := v.Type().Field(i).Name; !notTriggers[name] {
			settings = append(settings, name)
		}
	}
	if len(settings) < 60 {
		t.Fatalf("only %d settings found: the docker provider's container has more", len(settings))
	}
	var got []string
	for name := range Triggers(cfg) {
		got = append(got, name)
	}
	slices.Sort(got)
	slices.Sort(settings)
	if !slices.Equal(got, settings) {
		t.Errorf("triggers %v\nwant every setting %v", got, settings)
	}
	for _, name := range []string{"LogOpts", "Labels", "Healthcheck", "NetworksAdvanced", "Upload", "Env", "Image"} {
		if !slices.Contains(got, name) {
			t.Errorf("%s does not renew the revision", name)
		}
	}
	cfg.Name = jsii.String("x")
	if _, ok := Triggers(cfg)["Name"]; ok {
		t.Error("the name, which the revision makes, is its own trigger")
	}
}
