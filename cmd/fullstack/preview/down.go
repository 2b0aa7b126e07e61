package preview

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/homecloud-dev/fullstack/constructs/onprem/frontproxy"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/internal/clirun"
	"github.com/homecloud-dev/fullstack/naming"
	"github.com/homecloud-dev/fullstack/stacks"
)

// down removes preview n: Terraform destroys its containers, images,
// databases and roles; then its host routes, registry repositories and
// any container a failed deploy left are removed, and its folder last
// (so a failed teardown can be run again). Nothing of staging or of
// another preview is touched.
func (h *home) down(n int) error {
	unlock, err := h.lockPreview(n)
	if err != nil {
		return err
	}
	defer unlock()
	return h.downLocked(n)
}

// downLocked is down with preview n's lock held.
func (h *home) downLocked(n int) error {
	if _, err := os.Stat(h.dir(n)); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(h.stdout, "No preview %d: nothing to destroy.\n", n)
	} else {
		passwords, err := databasePasswords(h.dir(n), h.databaseApps())
		if err != nil {
			return err
		}
		dir, err := h.synth(n, h.env(n, passwords))
		if err != nil {
			return err
		}
		fmt.Fprintf(h.stdout, "==> preview %d: terraform destroy\n", n)
		if err := clirun.Terraform(dir, h.env(n, passwords), "destroy", "-auto-approve", "-input=false"); err != nil {
			return err
		}
	}
	if err := h.sweep(n); err != nil {
		return fmt.Errorf("preview %d: %w", n, err)
	}
	if err := os.RemoveAll(h.dir(n)); err != nil {
		return err
	}
	os.RemoveAll(h.outDir(n))
	fmt.Fprintf(h.stdout, "Preview %d is gone: containers, databases, roles, images and routes.\n", n)
	return nil
}

// sweep removes what of preview n Terraform does not hold: its host
// routes in staging's proxy, its repositories in the home registry (the
// registry's API deletes tags, not repositories), engine image references
// (a pull by digest adds one) and containers a failed rollout left.
func (h *home) sweep(n int) error {
	env := naming.PreviewEnvironment(n)
	var errs []error
	containers, err := h.engine.Docker("ps", "-aq", "--filter", "label=project="+h.p.Name, "--filter", "label="+stacks.PreviewLabel+"="+strconv.Itoa(n))
	errs = append(errs, err)
	if ids := strings.Fields(containers); len(ids) > 0 {
		_, err := h.engine.Docker(append([]string{"rm", "-f", "-v"}, ids...)...) // -v: files containers' volumes too
		errs = append(errs, err)
	}
	routes := fmt.Sprintf("rm -f %s/*.%s.conf && nginx -s reload", frontproxy.HostsDir, naming.PreviewHost(h.p.OnPrem.Previews.Domain, n, ""))
	if _, err := h.engine.Docker("exec", "-u", "0", frontproxy.ContainerName(h.p.Name), "sh", "-c", routes); err != nil {
		errs = append(errs, fmt.Errorf("host routes: %w", err))
	}
	repos := registry.ContainerRootDir + "/docker/registry/v2/repositories/" + env
	if _, err := h.engine.Docker("exec", registry.ContainerName(h.p.Name), "rm", "-rf", repos); err != nil {
		errs = append(errs, fmt.Errorf("registry repositories: %w", err))
	}
	images, err := h.engine.Docker("image", "ls", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}")
	errs = append(errs, err)
	var refs []string
	for _, line := range strings.Split(strings.TrimSpace(images), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || !strings.Contains(f[0], "/"+env+"/") {
			continue
		}
		if f[1] != "<none>" {
			refs = append(refs, f[0]+":"+f[1])
		}
		if f[2] != "<none>" {
			refs = append(refs, f[0]+"@"+f[2])
		}
	}
	// One reference at a time: removing an image's last tag also removes
	// its digest references, which a later removal then no longer finds.
	for _, ref := range refs {
		if _, err := h.engine.Docker("rmi", ref); err != nil && !strings.Contains(err.Error(), "No such image") {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
