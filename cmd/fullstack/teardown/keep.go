package teardown

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
)

// keepDataPlan is what a teardown that keeps the data does to the state.
type keepDataPlan struct {
	// Release are the registry volumes: dropped from the state, kept on the
	// server, adopted again by the next deploy.
	Release []string
	// Destroy is everything else but PostgreSQL (its container, image,
	// volume, the network it is on, and the roles and databases inside)
	// and whatever those depend on.
	Destroy []string
}

// planKeepData sorts the resources of `terraform show -json` into kept,
// released and destroyed. A targeted destroy also destroys everything that
// depends on a target, so whatever a kept resource depends on is kept
// too (e.g. the step that waits for PostgreSQL, which the roles depend
// on): destroying it would drop the databases.
func planKeepData(project string, show []byte) (keepDataPlan, error) {
	resources, err := readState(show)
	if err != nil {
		return keepDataPlan{}, err
	}
	kept := map[string]bool{}
	deps := map[string][]string{}
	for _, r := range resources {
		deps[r.Address] = r.DependsOn
		name, _ := r.Values["name"].(string)
		switch {
		case strings.HasPrefix(r.Type, "postgresql_"), r.Type == "docker_network",
			r.Type == "docker_container" && name == project+"-postgres",
			r.Type == "docker_volume" && name == project+"-postgres-data",
			r.Type == "docker_image" && strings.HasPrefix(name, "postgres:"):
			// PostgreSQL and what lives in it stay.
			kept[r.Address] = true
		}
	}
	var keep func(string)
	keep = func(address string) {
		for _, d := range deps[address] {
			if !kept[d] {
				kept[d] = true
				keep(d)
			}
		}
	}
	for address := range kept {
		keep(address)
	}
	var plan keepDataPlan
	for _, r := range resources {
		name, _ := r.Values["name"].(string)
		switch {
		case kept[r.Address]:
		case r.Type == "docker_volume" && (name == frontproxy.RoutesVolume(project) || hasLabel(r, dockercontainer.FilesLabel)):
			// Not data: the next deploy's rollouts write the routes again,
			// and its files containers their uploads (under new names: a
			// released one would be left behind for good).
			plan.Destroy = append(plan.Destroy, r.Address)
		case r.Type == "docker_volume":
			plan.Release = append(plan.Release, r.Address)
		default:
			plan.Destroy = append(plan.Destroy, r.Address)
		}
	}
	return plan, nil
}

// hasLabel reports whether a docker resource of the state carries the
// label key.
func hasLabel(r stateResource, key string) bool {
	labels, _ := r.Values["labels"].([]any)
	for _, l := range labels {
		if m, _ := l.(map[string]any); m["label"] == key {
			return true
		}
	}
	return false
}

// stateResource is one resource of `terraform show -json`.
type stateResource struct {
	Address   string         `json:"address"`
	Type      string         `json:"type"`
	Values    map[string]any `json:"values"`
	DependsOn []string       `json:"depends_on"`
}

func readState(show []byte) ([]stateResource, error) {
	var state struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(show, &state); err != nil {
		return nil, fmt.Errorf("read the state: %w", err)
	}
	return state.Values.RootModule.Resources, nil
}

// databaseResources are the postgresql_* resources of `terraform show
// -json`.
func databaseResources(show []byte) ([]string, error) {
	resources, err := readState(show)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range resources {
		if strings.HasPrefix(r.Type, "postgresql_") {
			out = append(out, r.Address)
		}
	}
	return out, nil
}
