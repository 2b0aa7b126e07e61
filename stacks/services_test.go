package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/onprem/restservice"
	"github.com/homecloud-dev/fullstack/contenthash"
)

func TestOnPremServiceBuildPushRun(t *testing.T) {
	s := plain.Stacks["onprem"]
	hash, err := contenthash.Dir(projectDir + "/apps/orders")
	if err != nil {
		t.Fatal(err)
	}
	imageRef := "127.0.0.1:5000/api/orders:src-" + hash[:12]
	build := s.Resources("docker_image")[idOf(t, s, "docker_image", "name", imageRef)]
	eq(t, build, "build.context", projectDir+"/apps/orders")
	eq(t, build, "build.dockerfile", "Dockerfile")
	eq(t, build, "triggers.source", hash)
	pushID := idOf(t, s, "docker_registry_image", "name", "${docker_image."+idOf(t, s, "docker_image", "name", imageRef)+".name}")
	push := s.Resources("docker_registry_image")[pushID]
	eq(t, push, "keep_remotely", true)
	eq(t, push, "triggers.source", hash)
	pullID := idOf(t, s, "docker_image", "name", "${docker_registry_image."+pushID+".name}")
	eq(t, s.Resources("docker_image")[pullID], "pull_triggers", []any{"${docker_registry_image." + pushID + ".sha256_digest}"})

	c := appContainer(t, s, "orders")
	eq(t, c, "image", ref("docker_image", pullID, "image_id"))
	// The proxy publishes the app; the container has no host port, so a
	// new one starts beside the old one (create before destroy) under a
	// name of its own, and the rollout gate, not the provider, waits.
	if _, ok := c["ports"]; ok {
		t.Errorf("the app container publishes ports itself: %v", c["ports"])
	}
	eq(t, c, "lifecycle.create_before_destroy", true)
	eq(t, c, "healthcheck.test", []any{"CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1"})
	eq(t, c, "wait", false)
	proxy := container(t, s, "shop-proxy")
	eq(t, proxy, "ports", []any{
		map[string]any{"internal": 8100, "external": 8080, "ip": "127.0.0.1"},
		map[string]any{"internal": 8101, "external": 9000, "ip": "127.0.0.1"},
		map[string]any{"internal": 8102, "external": 80, "ip": "127.0.0.1"},
		map[string]any{"internal": 8098, "external": 8090, "ip": "127.0.0.1"}, // the previews' server
	})
	eq(t, c, "memory", 512)
	eq(t, c, "restart", "unless-stopped")
	env := fmt.Sprint(c["env"])
	for _, want := range []string{"PGHOST=shop-postgres", "PGPORT=5432", "PGDATABASE=orders", "PGUSER=orders_app", "PGPASSFILE=" + restservice.PGPassFile, "PORT=8080"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %s: %s", want, env)
		}
	}
	if strings.Contains(env, "PASSWORD") {
		t.Errorf("a password in the environment: %s", env)
	}
	pass := uploads(s, c)[restservice.PGPassFile]["content"].(string)
	// The app's own role, with the password Terraform drew for it.
	roleID := idOf(t, s, "postgresql_role", "name", "orders_app")
	if !strings.HasPrefix(pass, "shop-postgres:5432:orders:orders_app:${replace(replace(postgresql_role."+roleID+".password") {
		t.Errorf("pgpass = %s", pass)
	}
	flyway := flywayID(t, s, "orders")
	// After its migrations, and after its files container holds the
	// password file (dockercontainer.ReadOnlyRoot).
	files := idOf(t, s, "docker_container", "upload", get(t, filesContainers(s, c)[0], "upload"))
	eq(t, c, "depends_on", []any{"docker_container." + flyway, "docker_container." + files})
	if name := fmt.Sprint(c["name"]); !strings.HasPrefix(name, `${join("", ["shop-orders-", substr(terraform_data.`) {
		t.Errorf("container name %s: want shop-orders-<revision>", name)
	}
	if got := labelsOf(t, c); !strings.Contains(got, restservice.SourceHashLabel+"="+hash) {
		t.Errorf("labels = %s", got)
	}

	model := appContainer(t, s, "ranker")
	eq(t, model, "healthcheck.test", []any{"CMD", "/ranker", "-healthcheck"})
	if _, ok := model["upload"]; ok {
		t.Error("an app without a database gets no password file")
	}
	if _, ok := model["depends_on"]; ok {
		t.Error("an app without a database has no migrations to wait for")
	}
	idOf(t, s, "docker_image", "name", "127.0.0.1:5000/model/ranker:src-"+mustHash(t, projectDir+"/apps/ranker")[:12])
	if n := len(s.Resources("docker_registry_image")); n != 4 {
		t.Errorf("%d pushes, want one per app and the migration image", n)
	}
	ranker := idOf(t, s, "docker_registry_image", "name", ref("docker_image", idOf(t, s, "docker_image", "name", "127.0.0.1:5000/model/ranker:src-"+mustHash(t, projectDir+"/apps/ranker")[:12]), "name"))
	eq(t, s.Outputs(), "release_images.value.ranker.digest", ref("docker_registry_image", ranker, "sha256_digest"))
	eq(t, s.Outputs(), "release_images.value.ranker.source_hash", mustHash(t, projectDir+"/apps/ranker"))
	eq(t, s.Outputs(), "service_urls.value.orders", "http://127.0.0.1:8080")
}

func mustHash(t *testing.T, dir string) string {
	t.Helper()
	h, err := contenthash.Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
