package teardown

import (
	"slices"
	"testing"
)

func TestPlanKeepData(t *testing.T) {
	show := `{"values":{"root_module":{"resources":[
	 {"address":"docker_volume.pg","type":"docker_volume","values":{"name":"shop-postgres-data"}},
	 {"address":"docker_volume.reg","type":"docker_volume","values":{"name":"shop-registry-data"}},
	 {"address":"docker_volume.bak","type":"docker_volume","values":{"name":"shop-registry-backup"}},
	 {"address":"docker_container.pg","type":"docker_container","values":{"name":"shop-postgres"},"depends_on":["docker_volume.pg_files"]},
	 {"address":"docker_image.pg","type":"docker_image","values":{"name":"postgres:16.6-bookworm"}},
	 {"address":"docker_network.net","type":"docker_network","values":{"name":"shop-platform"}},
	 {"address":"postgresql_database.db","type":"postgresql_database","values":{"name":"orders"}},
	 {"address":"postgresql_role.role","type":"postgresql_role","values":{"name":"orders"},"depends_on":["terraform_data.pg_ready"]},
	 {"address":"terraform_data.pg_ready","type":"terraform_data","values":{}},
	 {"address":"terraform_data.gate","type":"terraform_data","values":{}},
	 {"address":"docker_volume.routes","type":"docker_volume","values":{"name":"shop-proxy-routes"}},
	 {"address":"docker_container.api","type":"docker_container","values":{"name":"shop-orders"}},
	 {"address":"docker_container.reg","type":"docker_container","values":{"name":"shop-registry"},"depends_on":["docker_volume.reg_files"]},
	 {"address":"docker_volume.reg_files","type":"docker_volume","values":{"name":"shop-registry-files-1a2b3c4d-0","labels":[{"label":"fullstack.files","value":"true"},{"label":"project","value":"shop"}]}},
	 {"address":"docker_volume.pg_files","type":"docker_volume","values":{"name":"shop-postgres-files-5e6f7a8b-0","labels":[{"label":"fullstack.files","value":"true"}]}},
	 {"address":"docker_registry_image.push","type":"docker_registry_image","values":{"name":"127.0.0.1:5000/api/orders:src-1"}}
	]}}}`
	plan, err := planKeepData("shop", []byte(show))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"docker_volume.reg", "docker_volume.bak"}; !slices.Equal(plan.Release, want) {
		t.Errorf("release %v, want %v", plan.Release, want)
	}
	// The step the roles depend on stays: a targeted destroy of it would
	// take the roles and databases with it.
	// A files volume goes with its container (the next deploy names its
	// files anew), except PostgreSQL's, which stays with it.
	if want := []string{"terraform_data.gate", "docker_volume.routes", "docker_container.api", "docker_container.reg", "docker_volume.reg_files", "docker_registry_image.push"}; !slices.Equal(plan.Destroy, want) {
		t.Errorf("destroy %v, want %v (PostgreSQL, the databases and what they depend on stay)", plan.Destroy, want)
	}
	if got, err := databaseResources([]byte(show)); err != nil || !slices.Equal(got, []string{"postgresql_database.db", "postgresql_role.role"}) {
		t.Errorf("databases to drop first: %v %v", got, err)
	}
	if _, err := planKeepData("shop", []byte("not json")); err == nil {
		t.Error("a bad state was accepted")
	}
}
