// Package taskrun runs ECS task definitions on a local Docker engine the
// way ECS on Fargate would, for tests: the emulator stores task
// definitions but never starts a task, so without this nothing would run
// the production containers before production does.
//
// A Runner reads a task definition back from the emulator's ECS API (what
// the provider actually sent, not what the stack meant to send), checks
// everything ECS checks before it starts a container (each secret and its
// JSON key, the awslogs log group, the image), reporting every problem at
// once and starting nothing, and then runs the containers with the
// definition's command, environment, user, read-only root filesystem,
// volumes, capabilities, init process, health check, CPU and memory.
// Images come by digest from a registry standing in for ECR, with the
// credentials the emulator's ECR API hands out.
package taskrun
