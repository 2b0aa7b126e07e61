package preflight

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/constructs/onprem/registry"
	"github.com/homecloud-dev/fullstack/dockercli"
)

// hostPort is one port the stack publishes.
type hostPort struct {
	field, address string
	port           int
}

func hostPorts(p *config.Project) []hostPort {
	o := p.OnPrem
	ports := []hostPort{
		{"onprem.registry.port", o.Registry.BindAddress, o.Registry.Port},
		{"onprem.postgres.port", o.Postgres.BindAddress, o.Postgres.Port},
	}
	for i, a := range p.Apps {
		ports = append(ports, hostPort{fmt.Sprintf("apps[%d].host_port (%s)", i, a.Name), o.AppsBindAddress, a.HostPort})
	}
	if len(p.Apps) > 0 { // the front proxy publishes it
		ports = append(ports, hostPort{"onprem.previews.port", o.AppsBindAddress, o.Previews.Port})
	}
	if m := o.Monitoring; p.Monitored() { // on loopback only
		ports = append(ports, hostPort{"onprem.monitoring.prometheus_port", "127.0.0.1", m.PrometheusPort},
			hostPort{"onprem.monitoring.alertmanager_port", "127.0.0.1", m.AlertmanagerPort})
	}
	return ports
}

// checkPorts reports each stack port that something other than this
// project's containers listens on.
func checkPorts(stdout io.Writer, p *config.Project, e *dockercli.Engine) []error {
	if !strings.HasPrefix(p.OnPrem.DockerHost, "unix://") {
		fmt.Fprintf(stdout, "preflight: %s is a remote engine: host ports are not checked from here\n", p.OnPrem.DockerHost)
		return nil
	}
	ours := map[int]bool{}
	if out, err := e.Docker("ps", "--filter", "label=project="+p.Name, "--format", "{{.Ports}}"); err == nil {
		for _, mapping := range strings.FieldsFunc(out, func(r rune) bool { return r == ',' || r == '\n' }) {
			// e.g. 127.0.0.1:5000->5000/tcp
			if from, _, ok := strings.Cut(strings.TrimSpace(mapping), "->"); ok {
				if port, err := strconv.Atoi(from[strings.LastIndex(from, ":")+1:]); err == nil {
					ours[port] = true
				}
			}
		}
	}
	var errs []error
	for _, hp := range hostPorts(p) {
		if ours[hp.port] {
			continue
		}
		conn, err := net.DialTimeout("tcp", reachable(hp.address, hp.port), time.Second)
		if err == nil {
			conn.Close()
			errs = append(errs, fmt.Errorf("%s %d on %s is in use by another program: stop it or choose another port", hp.field, hp.port, hp.address))
		}
	}
	return errs
}

// checkRegistry: a running registry of this project must answer /v2/.
func checkRegistry(p *config.Project, e *dockercli.Engine) error {
	name := registry.ContainerName(p.Name)
	if out, err := e.Docker("ps", "--filter", "name=^"+name+"$", "--format", "{{.Names}}"); err != nil || strings.TrimSpace(out) != name {
		return nil // not deployed yet: the deploy starts it
	}
	scheme := "http"
	if p.OnPrem.Registry.TLS.Enabled() {
		scheme = "https"
	}
	url := scheme + "://" + reachable(p.OnPrem.Registry.BindAddress, p.OnPrem.Registry.Port) + "/v2/"
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("the registry %s runs but does not answer at %s (%v): see `docker logs %s`", name, url, err, name)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("the registry %s answers %s at %s: see `docker logs %s`", name, resp.Status, url, name)
	}
	return nil
}

// reachable is where this machine reaches a port published on bind
// address addr: loopback for "every interface".
func reachable(addr string, port int) string {
	if ip := net.ParseIP(addr); ip != nil && ip.IsUnspecified() {
		addr = "127.0.0.1"
	}
	return net.JoinHostPort(addr, strconv.Itoa(port))
}
