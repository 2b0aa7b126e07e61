package taskrun

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Runner starts task definitions on a Docker engine.
type Runner struct {
	// DockerHost is the engine's address ("unix:///…/docker.sock"). Required.
	DockerHost string
	// Emulator answers ECS, Secrets Manager, SSM, CloudWatch Logs and
	// ECR, as AWS answers the ECS agent. Required.
	Emulator Emulator
	// Region of the task definitions, secrets and log groups. Required.
	Region string
	// Network is the Docker network tasks join: the VPC, where the
	// database's stand-in answers to its endpoint's name. Required.
	Network string
	// ECR maps an ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com)
	// to the address of the registry standing in for it. Images on any
	// other host are refused: Fargate here pulls only from ECR.
	ECR map[string]string
	// Prefix starts the names of containers and volumes. Default "taskrun".
	Prefix string
}

func (r *Runner) aws() awsAPI { return awsAPI{emulator: r.Emulator, region: r.Region} }

// Task is a started task: its containers, in definition order.
type Task struct {
	Definition *TaskDefinition
	engine     *engine
	containers []started
	volumes    []string
}

type started struct {
	def Container
	id  string
}

// planned is one container ready to create.
type planned struct {
	def   Container
	image string
	env   []string
	// declared are the paths the image declares as VOLUME.
	declared map[string]bool
}

// defaultStopTimeout is how long ECS waits after SIGTERM before SIGKILL.
const defaultStopTimeout = 30

// Start checks td as ECS does before it starts a task (every problem at
// once, nothing created when there is one), pulls the images, creates
// the task's volumes and starts its containers.
func (r *Runner) Start(ctx context.Context, td *TaskDefinition) (*Task, error) {
	eng, err := newEngine(r.DockerHost)
	if err != nil {
		return nil, err
	}
	plans, problems := r.plan(td)
	user, password := "", ""
	if len(problems) == 0 {
		if user, password, err = r.aws().ecrLogin(); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) == 0 {
		for i, p := range plans {
			if err := eng.pull(ctx, p.image, user, password); err != nil {
				problems = append(problems, fmt.Sprintf("container %s: cannot pull %s (%s): %v", p.def.Name, p.def.Image, p.image, err))
			} else if plans[i].declared, err = eng.imageVolumes(ctx, p.image); err != nil {
				problems = append(problems, fmt.Sprintf("container %s: image %s: %v", p.def.Name, p.image, err))
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("task definition %s:%d cannot start, nothing was started:\n  - %s", td.Family, td.Revision, strings.Join(problems, "\n  - "))
	}
	t := &Task{Definition: td, engine: eng}
	if err := t.create(ctx, r, plans); err != nil {
		t.Remove(context.Background())
		return nil, fmt.Errorf("task definition %s:%d: %w", td.Family, td.Revision, err)
	}
	return t, nil
}

// plan resolves each container's image, environment and secrets and
// checks its log configuration, volumes and health check.
func (r *Runner) plan(td *TaskDefinition) ([]planned, []string) {
	var problems []string
	add := func(c Container, format string, args ...any) {
		problems = append(problems, "container "+c.Name+": "+fmt.Sprintf(format, args...))
	}
	if td.NetworkMode != "awsvpc" {
		problems = append(problems, fmt.Sprintf("networkMode is %q; Fargate runs only awsvpc", td.NetworkMode))
	}
	for _, f := range []struct{ name, value string }{{"cpu", td.CPU}, {"memory", td.Memory}} {
		if n, err := strconv.Atoi(f.value); err != nil || n <= 0 {
			problems = append(problems, fmt.Sprintf("%s is %q; Fargate needs a task-level %s", f.name, f.value, f.name))
		}
	}
	volumes := map[string]bool{}
	for _, v := range td.Volumes {
		volumes[v.Name] = true
	}
	essential := false
	var plans []planned
	for _, c := range td.ContainerDefinitions {
		essential = essential || c.essential()
		p := planned{def: c, image: r.localImage(c, add)}
		for _, kv := range c.Environment {
			p.env = append(p.env, kv.Name+"="+kv.Value)
		}
		for _, s := range c.Secrets {
			v, err := r.aws().resolveSecret(s.ValueFrom)
			if err != nil {
				add(c, "secret %s: %v", s.Name, err)
				continue
			}
			p.env = append(p.env, s.Name+"="+v)
		}
		r.checkLogs(c, add)
		for _, m := range c.MountPoints {
			if !volumes[m.SourceVolume] {
				add(c, "mount point %s names volume %q, which the task does not define", m.ContainerPath, m.SourceVolume)
			}
		}
		if h := c.HealthCheck; h != nil {
			if len(h.Command) < 2 || (h.Command[0] != "CMD" && h.Command[0] != "CMD-SHELL") {
				add(c, "healthCheck.command %q must start with CMD or CMD-SHELL", h.Command)
			}
			for _, b := range []struct {
				name          string
				value, lo, hi int
			}{{"interval", h.Interval, 5, 300}, {"timeout", h.Timeout, 2, 60}, {"retries", h.Retries, 1, 10}, {"startPeriod", h.StartPeriod, 0, 300}} {
				if b.value < b.lo || b.value > b.hi {
					add(c, "healthCheck.%s is %d; ECS allows %d-%d", b.name, b.value, b.lo, b.hi)
				}
			}
		}
		plans = append(plans, p)
	}
	if !essential {
		problems = append(problems, "no container is essential; ECS needs at least one")
	}
	return plans, problems
}

// localImage is c's image on the registry standing in for its ECR host.
func (r *Runner) localImage(c Container, add func(Container, string, ...any)) string {
	host, rest, ok := strings.Cut(c.Image, "/")
	local, known := r.ECR[host]
	if !ok || !known {
		add(c, "image %s is not in an ECR registry this runner stands in for", c.Image)
		return c.Image
	}
	return local + "/" + rest
}

// checkLogs checks the awslogs options as the ECS agent needs them on
// Fargate: the driver, a log group that exists, the region, a stream
// prefix.
func (r *Runner) checkLogs(c Container, add func(Container, string, ...any)) {
	lc := c.LogConfiguration
	if lc == nil || lc.LogDriver != "awslogs" {
		add(c, "has no awslogs log configuration: its output would be lost")
		return
	}
	group, region := lc.Options["awslogs-group"], lc.Options["awslogs-region"]
	if region != r.Region {
		add(c, "awslogs-region is %q, the task runs in %q", region, r.Region)
	}
	if lc.Options["awslogs-stream-prefix"] == "" {
		add(c, "awslogs-stream-prefix is empty; Fargate requires one")
	}
	if ok, err := r.aws().logGroupExists(group); err != nil {
		add(c, "awslogs-group %q: %v", group, err)
	} else if !ok {
		add(c, "awslogs-group %q does not exist, so the task would fail to start (ResourceInitializationError)", group)
	}
}

// create makes the volumes and containers and starts them: the first
// container joins the network and publishes every port on loopback; the
// others share its network namespace, as containers of an awsvpc task do.
func (t *Task) create(ctx context.Context, r *Runner, plans []planned) error {
	prefix := r.Prefix
	if prefix == "" {
		prefix = "taskrun"
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return err
	}
	base := fmt.Sprintf("%s-%s-%d-%x", prefix, t.Definition.Family, t.Definition.Revision, suffix)
	volume := map[string]string{}
	for _, v := range t.Definition.Volumes {
		name := base + "-" + v.Name
		if err := t.engine.do(ctx, "POST", "/volumes/create", nil, nil, map[string]any{"Name": name, "Labels": map[string]string{"fullstack.taskrun": base}}, nil); err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
		t.volumes = append(t.volumes, name)
		volume[v.Name] = name
	}
	cpus, _ := strconv.Atoi(t.Definition.CPU)
	memory, _ := strconv.Atoi(t.Definition.Memory)
	ports := map[string]any{}
	bindings := map[string]any{}
	for _, p := range plans {
		for _, m := range p.def.PortMappings {
			proto := m.Protocol
			if proto == "" {
				proto = "tcp"
			}
			key := fmt.Sprintf("%d/%s", m.ContainerPort, proto)
			ports[key] = map[string]any{}
			bindings[key] = []map[string]string{{"HostIp": "127.0.0.1", "HostPort": ""}}
		}
	}
	for i, p := range plans {
		c := p.def
		host := map[string]any{
			"ReadonlyRootfs": c.ReadonlyRootFilesystem != nil && *c.ReadonlyRootFilesystem,
			// Fargate has no swap: the task's memory is all it gets.
			"Memory": int64(memory) << 20, "MemorySwap": int64(memory) << 20,
			"NanoCpus": int64(cpus) * 1_000_000_000 / 1024,
			"Init":     false,
		}
		if lp := c.LinuxParameters; lp != nil {
			if lp.Capabilities != nil {
				host["CapAdd"], host["CapDrop"] = lp.Capabilities.Add, lp.Capabilities.Drop
			}
			host["Init"] = lp.InitProcessEnabled != nil && *lp.InitProcessEnabled
		}
		var mounts []map[string]any
		for _, m := range c.MountPoints {
			// Fargate's task volume is an empty directory owned by root
			// (0755), unless the image declares VOLUME there: then it
			// starts as the image's copy, with its owner and mode.
			mounts = append(mounts, map[string]any{"Type": "volume", "Source": volume[m.SourceVolume], "Target": m.ContainerPath,
				"ReadOnly": m.ReadOnly != nil && *m.ReadOnly, "VolumeOptions": map[string]any{"NoCopy": !p.declared[m.ContainerPath]}})
		}
		host["Mounts"] = mounts
		config := map[string]any{
			"Image": p.image, "Env": p.env, "User": c.User,
			"Labels": map[string]string{"fullstack.taskrun": base, "fullstack.taskrun.container": c.Name},
		}
		if c.EntryPoint != nil {
			config["Entrypoint"] = c.EntryPoint
		}
		if c.Command != nil {
			config["Cmd"] = c.Command
		}
		stop := defaultStopTimeout
		if c.StopTimeout != nil {
			stop = *c.StopTimeout
		}
		config["StopTimeout"] = stop
		if h := c.HealthCheck; h != nil {
			config["Healthcheck"] = map[string]any{"Test": h.Command, "Interval": seconds(h.Interval), "Timeout": seconds(h.Timeout), "Retries": h.Retries, "StartPeriod": seconds(h.StartPeriod)}
		}
		if i == 0 {
			// Docker lets any user bind ports below 1024 in a container's
			// network namespace; ECS on Fargate does not.
			host["Sysctls"] = map[string]string{"net.ipv4.ip_unprivileged_port_start": "1024"}
			host["NetworkMode"] = r.Network
			host["PortBindings"] = bindings
			config["ExposedPorts"] = ports
		} else {
			host["NetworkMode"] = "container:" + t.containers[0].id
		}
		config["HostConfig"] = host
		var created struct{ ID string }
		if err := t.engine.do(ctx, "POST", "/containers/create", url.Values{"name": {base + "-" + c.Name}}, nil, config, &created); err != nil {
			return fmt.Errorf("container %s: %w", c.Name, err)
		}
		t.containers = append(t.containers, started{def: c, id: created.ID})
		if err := t.engine.do(ctx, "POST", "/containers/"+created.ID+"/start", nil, nil, nil, nil); err != nil {
			return fmt.Errorf("container %s: start: %w", c.Name, err)
		}
	}
	return nil
}

func seconds(s int) int64 { return int64(s) * int64(time.Second) }

// HostAddress is where the task's port is published on loopback.
func (t *Task) HostAddress(ctx context.Context, port int) (string, error) {
	s, err := t.engine.inspect(ctx, t.containers[0].id)
	if err != nil {
		return "", err
	}
	b := s.NetworkSettings.Ports[strconv.Itoa(port)+"/tcp"]
	if len(b) == 0 {
		return "", fmt.Errorf("task %s publishes no port %d", t.Definition.Family, port)
	}
	return "127.0.0.1:" + b[0].HostPort, nil
}

// ContainerID is the Docker id of the task's container name ("" if none).
func (t *Task) ContainerID(name string) string {
	for _, c := range t.containers {
		if c.def.Name == name {
			return c.id
		}
	}
	return ""
}

// Wait waits until every essential container has stopped (ECS stops the
// task when one does) and returns each container's exit code. A container
// that exits non-zero is an error naming it, with its last output.
func (t *Task) Wait(ctx context.Context) (map[string]int, error) {
	codes := map[string]int{}
	for {
		// ECS stops the task when any essential container stops.
		stopped := false
		for _, c := range t.containers {
			s, err := t.engine.inspect(ctx, c.id)
			if err != nil {
				return nil, fmt.Errorf("container %s: %w", c.def.Name, err)
			}
			if !s.State.Running {
				codes[c.def.Name] = s.State.ExitCode
				stopped = stopped || c.def.essential()
			}
		}
		if stopped {
			break
		}
		select {
		case <-ctx.Done():
			return codes, fmt.Errorf("task %s still running: %w", t.Definition.Family, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	var errs []error
	for _, c := range t.containers {
		if code, ok := codes[c.def.Name]; ok && code != 0 {
			errs = append(errs, fmt.Errorf("container %s exited %d; its last output:\n%s", c.def.Name, code, t.engine.logs(ctx, c.id, 20)))
		}
	}
	return codes, errors.Join(errs...)
}

// WaitHealthy waits until each container with a health check reports
// healthy. A container that stops or turns unhealthy first is an error
// naming it, with its health check's last output and its own.
func (t *Task) WaitHealthy(ctx context.Context) error {
	for {
		pending := false
		for _, c := range t.containers {
			s, err := t.engine.inspect(ctx, c.id)
			if err != nil {
				return err
			}
			if !s.State.Running {
				return fmt.Errorf("container %s stopped (exit %d, out of memory: %t) before it was healthy; its last output:\n%s", c.def.Name, s.State.ExitCode, s.State.OOMKilled, t.engine.logs(ctx, c.id, 20))
			}
			if c.def.HealthCheck == nil || s.State.Health == nil {
				continue
			}
			switch s.State.Health.Status {
			case "healthy":
			case "unhealthy":
				last := ""
				if n := len(s.State.Health.Log); n > 0 {
					last = strings.TrimSpace(s.State.Health.Log[n-1].Output)
				}
				return fmt.Errorf("container %s is unhealthy (health check %q last said %q); its last output:\n%s", c.def.Name, c.def.HealthCheck.Command, last, t.engine.logs(ctx, c.id, 20))
			default:
				pending = true
			}
		}
		if !pending {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("task %s not healthy: %w", t.Definition.Family, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// Remove stops the task (SIGTERM, then SIGKILL after the stop timeout)
// and removes its containers and volumes.
func (t *Task) Remove(ctx context.Context) {
	for i := len(t.containers) - 1; i >= 0; i-- {
		c := t.containers[i]
		_ = t.engine.do(ctx, "POST", "/containers/"+c.id+"/stop", nil, nil, nil, nil)
		_ = t.engine.do(ctx, "DELETE", "/containers/"+c.id, url.Values{"force": {"1"}, "v": {"1"}}, nil, nil, nil)
	}
	for _, v := range t.volumes {
		_ = t.engine.do(ctx, "DELETE", "/volumes/"+v, nil, nil, nil, nil)
	}
}

// Run starts td, waits for it to finish and removes it: a one-off task,
// such as a migration. It returns the containers' output.
func (r *Runner) Run(ctx context.Context, td *TaskDefinition) (string, error) {
	t, err := r.Start(ctx, td)
	if err != nil {
		return "", err
	}
	defer t.Remove(context.Background())
	_, err = t.Wait(ctx)
	var out strings.Builder
	for _, c := range t.containers {
		out.WriteString(t.engine.logs(ctx, c.id, 200))
	}
	return out.String(), err
}
