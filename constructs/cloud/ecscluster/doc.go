// Package ecscluster builds the ECS cluster every cloud service runs in:
// Fargate and Fargate Spot capacity providers, container insights, one
// CloudWatch log group per app, and the task execution role, which may pull
// only this project's repositories, write only its log groups and read only
// the secrets it is given.
package ecscluster
