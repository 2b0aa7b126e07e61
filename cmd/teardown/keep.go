package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// keepDataPlan is what a teardown that keeps the data does to the state.
type keepDataPlan struct {
	// Release are the registry volumes: dropped from the state, kept on the
	// server, adopted again by the next deploy.
	Release []string
	// Destroy is everything else but PostgreSQL (its container, image,
	// volume, the network it is on, and the roles and databases inside).
	Destroy []string
}

// planKeepData sorts the resources of `terraform show -json` output.
func planKeepData(project string, show []byte) (keepDataPlan, error) {
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Type    string         `json:"type"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(show, &state); err != nil {
		return keepDataPlan{}, fmt.Errorf("read the state: %w", err)
	}
	var plan keepDataPlan
	for _, r := range state.Values.RootModule.Resources {
		name, _ := r.Values["name"].(string)
		switch {
		case strings.HasPrefix(r.Type, "postgresql_"), r.Type == "docker_network",
			r.Type == "docker_container" && name == project+"-postgres",
			r.Type == "docker_volume" && name == project+"-postgres-data",
			r.Type == "docker_image" && strings.HasPrefix(name, "postgres:"):
			// PostgreSQL and what lives in it stay.
		case r.Type == "docker_volume":
			plan.Release = append(plan.Release, r.Address)
		default:
			plan.Destroy = append(plan.Destroy, r.Address)
		}
	}
	return plan, nil
}
