package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/naming"
)

// engine asks the Docker engine's HTTP API (unix:// or tcp://) what a
// container runs.
type engine struct {
	client *http.Client
	base   string
}

func newEngine(host string) (*engine, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("docker host %q: %w", host, err)
	}
	switch u.Scheme {
	case "unix":
		dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", u.Path)
		}
		return &engine{client: &http.Client{Transport: &http.Transport{DialContext: dial}}, base: "http://docker"}, nil
	case "tcp":
		return &engine{client: http.DefaultClient, base: "http://" + u.Host}, nil
	default:
		return nil, fmt.Errorf("docker host %q: only unix:// and tcp:// engines can be asked (run cmd/release on the home server)", host)
	}
}

func (e *engine) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// runs checks that app's one running container (labelled with the
// project and the app) runs an image whose repository digests hold ref
// (<registry>/<repository>@<digest>).
func (e *engine) runs(ctx context.Context, project, app, ref string) error {
	filters, _ := json.Marshal(map[string][]string{"label": {"project=" + project, naming.AppLabel + "=" + app}, "status": {"running"}})
	var list []struct {
		Names []string
		Image string
		ID    string `json:"Id"`
	}
	if err := e.get(ctx, "/containers/json?filters="+url.QueryEscape(string(filters)), &list); err != nil {
		return fmt.Errorf("containers of %s: %w", app, err)
	}
	if len(list) != 1 {
		return fmt.Errorf("%d running containers serve %s, want 1 (a rollout in progress?)", len(list), app)
	}
	container := strings.TrimPrefix(list[0].Names[0], "/")
	var c struct{ Image string }
	if err := e.get(ctx, "/containers/"+list[0].ID+"/json", &c); err != nil {
		return fmt.Errorf("container %s: %w", container, err)
	}
	var img struct{ RepoDigests []string }
	if err := e.get(ctx, "/images/"+url.PathEscape(c.Image)+"/json", &img); err != nil {
		return fmt.Errorf("image of %s: %w", container, err)
	}
	if !slices.Contains(img.RepoDigests, ref) {
		return fmt.Errorf("container %s runs %s (%s), not %s", container, c.Image, strings.Join(img.RepoDigests, ", "), ref)
	}
	return nil
}
