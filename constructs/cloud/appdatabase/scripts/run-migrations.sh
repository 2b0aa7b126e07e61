set -eu
case "$IMAGE" in
*@sha256:*)
  # A release: the image is named by the digest staging proved.
  repo="${IMAGE%@*}"; id="imageDigest=${IMAGE##*@}"
  fix="  go run ./cmd/fullstack promote -release <the release manifest>   (copies the release's images from the home registry)" ;;
*)
  repo="${IMAGE%:*}"; id="imageTag=${IMAGE##*:}"
  fix="  printf 'FROM @FLYWAY_IMAGE@\nCOPY . /flyway/sql\n' | docker build -t $IMAGE -f - migrations/$APP && docker push $IMAGE" ;;
esac
if ! aws ecr describe-images --repository-name "${repo#*/}" --image-ids "$id" >/dev/null 2>&1; then
  echo "migration image $IMAGE is missing from ECR; push it, then deploy again:" >&2
  echo "$fix" >&2
  exit 1
fi
task=$(aws ecs run-task --cluster "$CLUSTER" --task-definition "$TASK_DEFINITION" --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUP],assignPublicIp=$ASSIGN_PUBLIC_IP}" \
  --query 'tasks[0].taskArn' --output text)
echo "flyway migrate for $APP: task $task"
aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "$task"
code=$(aws ecs describe-tasks --cluster "$CLUSTER" --tasks "$task" --query 'tasks[0].containers[0].exitCode' --output text)
if [ "$code" != "0" ]; then
  echo "flyway migrate for $APP failed (exit $code); Flyway's output is in CloudWatch log group $LOG_GROUP (stream flyway/flyway/${task##*/})" >&2
  exit 1
fi
echo "flyway migrate for $APP succeeded"
