package dockercontainer

import (
	"reflect"

	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
)

// notTriggers are the ContainerConfig fields that are not the container's
// settings: its name (the revision makes it) and Terraform's
// meta-arguments.
var notTriggers = map[string]bool{
	"Name": true, "Connection": true, "Count": true, "DependsOn": true, "ForEach": true,
	"Lifecycle": true, "Provider": true, "Provisioners": true,
}

// Triggers are every setting of cfg, by field name: all of them but its
// name and Terraform's meta-arguments. The docker provider replaces a
// container when almost any of them changes (log options, labels, health
// check timings, networks, ...), so a revision renews on all of them. They
// are read by reflection: a setting added later counts without anyone
// remembering to list it.
func Triggers(cfg *container.ContainerConfig) map[string]interface{} {
	out := map[string]interface{}{}
	v := reflect.ValueOf(cfg).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		f := v.Field(i)
		if notTriggers[name] || f.IsZero() {
			continue
		}
		out[name] = f.Interface()
	}
	return out
}
