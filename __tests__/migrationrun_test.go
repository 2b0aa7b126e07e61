package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/homecloud-dev/fullstack/constructs/cloud/appdatabase"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
)

// TestRunScriptNamesMissingImage runs the AWS migration runner with the
// real AWS CLI against the emulator before the migration image exists: it
// must stop before starting any task and print how to build the image.
// (The emulator never stops an ECS task, so the run-and-wait path is
// exercised only on AWS.)
func TestRunScriptNamesMissingImage(t *testing.T) {
	inShortLane(t)
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatalf("the AWS CLI is required: %v", err)
	}
	emu := harnesstest.EmulatorT(t)
	image := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/notes/api/notes-api:flyway-0123456789ab"
	awsEnv := append(os.Environ(),
		"AWS_ENDPOINT_URL="+emu.Endpoint,
		"AWS_ACCESS_KEY_ID=emulator", "AWS_SECRET_ACCESS_KEY=emulator", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1")
	// The repository exists (the CLI reaches the emulator); the tag does not.
	create := exec.Command("aws", "ecr", "create-repository", "--repository-name", "notes/api/notes-api")
	create.Env = awsEnv
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("create the repository in the emulator: %v\n%s", err, out)
	}
	repo := "123456789012.dkr.ecr.eu-west-1.amazonaws.com/notes/api/notes-api"
	for _, c := range []struct{ image, fix string }{
		// Without a release: by tag, built and pushed by hand.
		{image, "docker build -t " + image + " -f - migrations/notes-api && docker push " + image},
		// A release names the digest staging ran: promote copies it.
		{repo + "@sha256:" + strings.Repeat("ab", 32), "go run ./cmd/fullstack promote -release <the release manifest>"},
	} {
		cmd := exec.Command("/bin/sh", "-c", appdatabase.RunScript)
		cmd.Env = append(awsEnv,
			"IMAGE="+c.image, "APP=notes-api", "CLUSTER=notes-production", "TASK_DEFINITION=unused",
			"SUBNETS=subnet-1", "SECURITY_GROUP=sg-1", "ASSIGN_PUBLIC_IP=DISABLED", "LOG_GROUP=/notes/notes-api/flyway")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("the runner succeeded without an image:\n%s", out)
		}
		if !strings.Contains(string(out), "migration image "+c.image+" is missing") || !strings.Contains(string(out), c.fix) {
			t.Errorf("output lacks the missing-image message and %q:\n%s", c.fix, out)
		}
		if strings.Contains(string(out), "task ") {
			t.Errorf("a task was started:\n%s", out)
		}
	}
}
