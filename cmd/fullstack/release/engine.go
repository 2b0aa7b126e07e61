package release

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/homecloud-dev/fullstack/dockercli"
)

// runs checks that app's one running container (labelled with the project,
// the environment, so no preview's, and the app) runs an image whose repository digests hold ref
// (<registry>/<repository>@<digest>). It asks the engine through the
// docker CLI, as preflight and the rollout gate do.
func runs(engine *dockercli.Engine, project, environment, app, ref string) error {
	out, err := engine.Docker(append([]string{"ps", "--format", "{{.Names}}"}, dockercli.AppFilters(project, environment, app)...)...)
	if err != nil {
		return fmt.Errorf("containers of %s: %w", app, err)
	}
	names := strings.Fields(out)
	if len(names) != 1 {
		return fmt.Errorf("%d running containers serve %s (%v), want 1 (a rollout in progress?)", len(names), app, names)
	}
	image, err := engine.Docker("inspect", "--format", "{{.Image}}", names[0])
	if err != nil {
		return fmt.Errorf("container %s: %w", names[0], err)
	}
	image = strings.TrimSpace(image)
	raw, err := engine.Docker("image", "inspect", "--format", "{{json .RepoDigests}}", image)
	var digests []string
	if err == nil {
		err = json.Unmarshal([]byte(raw), &digests)
	}
	if err != nil {
		return fmt.Errorf("image of %s: %w", names[0], err)
	}
	if !slices.Contains(digests, ref) {
		return fmt.Errorf("container %s runs %s (%s), not %s", names[0], image, strings.Join(digests, ", "), ref)
	}
	return nil
}
