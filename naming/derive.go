package naming

import "strings"

// Project-level names. project is the validated project name; env is the
// environment name of the target ("production", "staging", ...).

// PlatformNetwork is the Docker network every on-prem container joins.
func PlatformNetwork(project string) Name {
	return Name{DockerNetwork, project + "-platform"}
}

// VPC is the Name tag of the cloud VPC.
func VPC(project, env string) Name { return Name{TagValue, project + "-" + env} }

// LoadBalancerName is the shared application load balancer of the cloud stack.
func LoadBalancerName(project, env string) Name {
	return Name{LoadBalancer, project + "-" + env}
}

// Cluster is the ECS cluster of the cloud stack.
func Cluster(project, env string) Name { return Name{ECSCluster, project + "-" + env} }

// App-level names. app is the validated app name; kind its namespace
// ("api", "site", "model").

// AppTargetGroup is the app's load balancer target group.
func AppTargetGroup(project, app string) Name { return Name{TargetGroup, project + "-" + app} }

// AppDBInstance is the app's RDS instance identifier.
func AppDBInstance(project, app string) Name { return Name{DBInstance, project + "-" + app} }

// AppTaskRole is the IAM role the app's containers run as.
func AppTaskRole(project, app string) Name { return Name{IAMRole, project + "-" + app + "-task"} }

// ExecutionRole is the IAM role ECS uses to start the project's tasks.
func ExecutionRole(project, env string) Name { return Name{IAMRole, project + "-" + env + "-exec"} }

// DeployRole is the IAM role GitHub Actions assumes to deploy.
func DeployRole(project, env string) Name { return Name{IAMRole, project + "-" + env + "-deploy"} }

// PromoteRole is the IAM role GitHub Actions assumes to copy a release's
// images into ECR.
func PromoteRole(project, env string) Name { return Name{IAMRole, project + "-" + env + "-promote"} }

// AppRepository is the app's ECR repository, under its namespace.
func AppRepository(project, kind, app string) Name {
	return Name{ECRRepository, project + "/" + kind + "/" + app}
}

// AppLogGroup is the app's CloudWatch log group.
func AppLogGroup(project, app string) Name { return Name{LogGroup, "/" + project + "/" + app} }

// AppFlywayLogGroup is the log group of the app's Flyway task.
func AppFlywayLogGroup(project, app string) Name {
	return Name{LogGroup, "/" + project + "/" + app + "/flyway"}
}

// AppContainer is the app's on-prem container name without its revision:
// each rollout runs <AppContainer>-<8 characters>, so the new container
// can start beside the old one.
func AppContainer(project, app string) Name {
	return Name{ContainerName, project + "-" + app + "-" + RevisionPlaceholder}
}

// RevisionPlaceholder stands for the 8-character revision in a name whose
// length is checked.
const RevisionPlaceholder = "rrrrrrrr"

// AppDatabase is the app's PostgreSQL database and login role name. Hyphens
// are not valid in unquoted identifiers, so they become underscores.
func AppDatabase(app string) Name {
	b := []byte(app)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return Name{DatabaseName, string(b)}
}

// AppRoleSuffix ends the name of the login role an app connects as; the
// role named AppDatabase owns the database and runs the migrations.
const AppRoleSuffix = "_app"

// AppDBRole is the login role the app connects as (not the owner).
func AppDBRole(app string) Name { return Name{DatabaseName, AppDatabase(app).Value + AppRoleSuffix} }

// AppDBRoleSecret is the Secrets Manager secret holding the app role's
// login on AWS. Lowercase, so no app secret (an upper-case variable
// name) can take it.
func AppDBRoleSecret(project, app string) Name {
	return Name{SecretName, project + "/" + app + "/db-app-role"}
}

// AppNames lists every name derived from one app, for validation.
func AppNames(project, kind, app string) []Name {
	return []Name{
		AppTargetGroup(project, app),
		AppDBInstance(project, app),
		AppDBRole(app),
		AppDBRoleSecret(project, app),
		AppTaskRole(project, app),
		AppRepository(project, kind, app),
		AppLogGroup(project, app),
		AppContainer(project, app),
		AppDatabase(app),
	}
}

// ProjectNames lists every name derived from the project alone.
func ProjectNames(project, cloudEnv string) []Name {
	return []Name{
		PlatformNetwork(project),
		LoadBalancerName(project, cloudEnv),
		Cluster(project, cloudEnv),
		ExecutionRole(project, cloudEnv),
		DeployRole(project, cloudEnv),
		PromoteRole(project, cloudEnv),
	}
}

// BucketPrefix keeps an S3 bucket_prefix within S3's 37-character limit
// (AWS appends 26 unique characters to reach the 63 of a bucket name).
func BucketPrefix(p string) string {
	p = strings.ToLower(p)
	if len(p) > 37 {
		p = p[:36] + "-"
	}
	return p
}

// LogBucketPrefix starts the name of the access log bucket.
func LogBucketPrefix(project, env string) string { return BucketPrefix(project + "-" + env + "-logs-") }

// WebACL names a WAF web ACL; two DNS labels and a target word stay well
// within WAF's 128 characters.
func WebACL(project, env, target string) string { return project + "-" + env + "-" + target }

// AppLabel is the Docker label naming the app an on-prem container serves
// (every revision of it carries the label).
const AppLabel = "fullstack.app"
