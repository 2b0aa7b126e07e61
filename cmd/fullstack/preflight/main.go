// Package preflight (`fullstack preflight`) checks, before `cdktf deploy onprem` changes anything,
// what would make the deploy fail half-way, and reports every problem at
// once with its fix:
//
//   - a sensitive variable that is missing or invalid;
//   - no Docker engine answering at onprem.docker_host;
//   - a host port of the stack (registry, PostgreSQL, each app and site)
//     held by something other than this project's own containers;
//   - the project's registry running but not answering.
//
// Port checks need the engine on this machine (a unix:// docker_host);
// for a remote engine they are skipped with a note.
//
// -runner release|preview first checks that the job runs on the right
// self-hosted runner (runner.go): a release refuses a runner that takes
// previews; a preview refuses a runner that can read the signing key or
// the release state, or holds cloud credentials. -only-runner stops after
// that check. -job-started is the runner's job-started hook: it refuses
// every workflow the runner is not for (docs/security.md).
//
// -github checks, through GitHub's API, the settings the release path
// relies on but GitHub holds (github.go): each environment deploys from
// cloud.github.branch only, preview waits for a reviewer, the branch is
// protected. It needs GITHUB_TOKEN (GITHUB_API_URL for GitHub Enterprise).
//
//	go run ./cmd/fullstack preflight && npx cdktf deploy onprem
//	go run ./cmd/fullstack preflight -runner release -github
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/homecloud-dev/fullstack/cmd/fullstack/cli"
	"github.com/homecloud-dev/fullstack/config"
	"github.com/homecloud-dev/fullstack/dockercli"
)

const usage = `usage: fullstack preflight [-runner release|preview [-only-runner]] [-github] [-job-started] [flags]

Checks, before cdktf deploy onprem changes anything, what would make the
deploy fail half-way (secrets, the Docker engine, host ports, the registry)
and reports every problem at once; -runner and -github check the job's
runner and the GitHub settings the release path relies on.`

// Run runs the subcommand.
func Run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.FlagSet("preflight", usage)
	project := fs.String("project", config.ProjectFile(), "project file (env FULLSTACK_PROJECT)")
	role := fs.String("runner", "", "check that this job runs on the `release` or `preview` runner")
	onlyRunner := fs.Bool("only-runner", false, "check only the runner (-runner) and GitHub (-github), not the onprem deploy")
	jobStarted := fs.Bool("job-started", false, "the runner's job-started hook: refuse workflows this runner is not for (reads no project file)")
	github := fs.Bool("github", false, "check the GitHub environments and branch protection the release path relies on (needs GITHUB_TOKEN)")
	branch := fs.String("release-branch", config.DefaultGitHubBranch, "with -job-started: the branch releases come from (cloud.github.branch)")
	if err := cli.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	env := runnerEnv{lookup: os.LookupEnv}
	if *jobStarted {
		// Before the job's checkout: the hook trusts nothing in the workspace.
		if err := checkJobStarted(*branch, env); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "preflight: job accepted on this runner")
		return nil
	}
	p, err := config.LoadWithEnv(*project, os.Getenv)
	if err != nil {
		return err
	}
	if *role != "" {
		stateDir, err := p.OnPrem.StateDirectory(os.Getenv("FULLSTACK_STATE_DIR"))
		if err == nil {
			err = checkRunner(p, *role, env, stateDir)
		}
		if err != nil {
			return fmt.Errorf("refused on this runner; nothing was run:\n%v", err)
		}
		fmt.Fprintf(stdout, "preflight: this is the %s runner\n", *role)
	}
	if *github {
		notes, err := checkGitHub(p, env)
		for _, n := range notes {
			fmt.Fprintln(stdout, "preflight: note:", n)
		}
		if err != nil {
			return fmt.Errorf("refused; nothing was run:\n%v", err)
		}
		fmt.Fprintf(stdout, "preflight: GitHub settings of %s/%s hold\n", p.Cloud.GitHub.Owner, p.Cloud.GitHub.Repo)
	}
	if *onlyRunner {
		return nil
	}
	if err := check(stdout, p, os.LookupEnv); err != nil {
		return fmt.Errorf("the onprem deploy would fail; nothing was changed:\n%v", err)
	}
	fmt.Fprintln(stdout, "preflight: ready to deploy onprem to", p.OnPrem.DockerHost)
	return nil
}

// check runs every check and joins the problems.
func check(stdout io.Writer, p *config.Project, lookupEnv func(string) (string, bool)) error {
	var errs []error
	for _, name := range config.OnPremSecrets(p) {
		if v, ok := lookupEnv(name); !ok || v == "" {
			errs = append(errs, fmt.Errorf("%s is not set: export it (see docs/project-file.md, Program settings)", name))
		}
	}
	if err := config.CheckSecrets(p, lookupEnv); err != nil {
		errs = append(errs, err)
	}
	// Only the harness's docker CLI runner is used: no engine is started.
	docker := &dockercli.Engine{Host: p.OnPrem.DockerHost}
	if _, err := docker.Docker("version", "--format", "{{.Server.Version}}"); err != nil {
		errs = append(errs, fmt.Errorf("onprem.docker_host %s: no Docker engine answers (%v): start Docker or fix docker_host", p.OnPrem.DockerHost, err))
		return errors.Join(errs...)
	}
	errs = append(errs, checkPorts(stdout, p, docker)...)
	if err := checkRegistry(p, docker); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
