package appdatabase

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/container"
	"github.com/cdktf/cdktf-provider-docker-go/docker/v11/image"
	"github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/database"
	"github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/grant"
	"github.com/cdktf/cdktf-provider-postgresql-go/postgresql/v11/role"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/homecloud-dev/fullstack/constructs/dbspec"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockercontainer"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/onprem/dockernetwork"
	"github.com/homecloud-dev/fullstack/constructs/onprem/localimage"
	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster"
	"github.com/homecloud-dev/fullstack/constructs/propcheck"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// Props configures the on-prem variant.
type Props struct {
	dbspec.Spec
	// Password is the owner role's password token (a sensitive variable):
	// Flyway logs in with it. The app connects as a role of its own
	// (dbspec.Spec.AppRole). Required.
	Password *string
	// Cluster is the PostgreSQL cluster the database lives in; the role is
	// created once its container is healthy. Required.
	Cluster *postgrescluster.Cluster
	// Network is the platform network to join. Required.
	Network *dockernetwork.Network
	// MigrationImage carries the migrations (dbspec.MigrationDockerfile,
	// built and pushed to the local registry): Flyway runs it, so the image
	// a release promotes is the one that migrated staging. Default nil:
	// FlywayImage runs with the migrations uploaded into it.
	MigrationImage *localimage.LocalImage
	// FlywayImage runs the migrations when there is no MigrationImage.
	// Default dbspec.FlywayImage.
	FlywayImage string
	// Labels go on the Flyway container. Default none.
	Labels map[string]string
	// ConnectionLimit caps each role's connections (owner and app).
	// Default 0: no limit (PostgreSQL's -1).
	ConnectionLimit int
}

// Database is an app's database on the home server.
type Database struct {
	constructs.Construct
	// Role owns the database and runs the migrations.
	Role role.Role
	// AppRole is the login role the app connects as: Flyway's callback
	// (dbspec.AppRoleCallback) grants it the rows, nothing more. Its
	// password is drawn once and kept in the state.
	AppRole  role.Role
	Database database.Database
	// RevokePublic revokes every database privilege from PUBLIC.
	RevokePublic grant.Grant
	// FlywayImage is the pulled Flyway image (nil with a MigrationImage).
	FlywayImage image.Image
	// Flyway runs `flyway migrate` once per change of the migrations and
	// fails the deploy (postcondition) when Flyway fails.
	Flyway container.Container
	// FlywayRevision renews the Flyway container's name with each run.
	FlywayRevision cdktf.TerraformResource
	spec           dbspec.Spec
	cluster        *postgrescluster.Cluster
}

const (
	idRole        = "role"
	idAppRole     = "app-role"
	idDatabase    = "database"
	idRevoke      = "revoke-public"
	idFlywayImage = "flyway-image"
	idFlyway      = "flyway"
	// idFlywayRevision names each Flyway run's container.
	idFlywayRevision = "flyway-revision"
	// MigrationsHashLabel carries the migrations' content hash; a change
	// replaces the Flyway container, which runs migrate again.
	MigrationsHashLabel = "fullstack.migrations-hash"
)

// New creates the app's role, database and migration run.
//
// Ordering on a fresh host: the postgresql provider only connects when it
// manages a resource, so planning needs no server. At apply, the role
// depends on the PostgreSQL container, which Terraform creates first and
// which only counts as created once its health check passes; the database,
// the grant and Flyway follow. One `cdktf deploy onprem` therefore works on
// an empty host.
func New(scope constructs.Construct, id string, props Props) (*Database, error) {
	props.defaults()
	if err := props.validate(propcheck.For(scope, id)); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	db := props.Database()
	o := &Database{Construct: c, spec: props.Spec, cluster: props.Cluster}
	var after []cdktf.ITerraformDependable
	if props.Cluster.Ready != nil {
		after = append(after, props.Cluster.Ready)
	}
	o.Role = role.NewRole(c, jsii.String(idRole), &role.RoleConfig{
		Name:      jsii.String(db),
		Login:     jsii.Bool(true),
		Password:  props.Password,
		DependsOn: &after,
	})
	o.AppRole = role.NewRole(c, jsii.String(idAppRole), &role.RoleConfig{
		Name:  jsii.String(props.AppRole()),
		Login: jsii.Bool(true),
		// As the AWS callback makes it: no rights through other roles.
		Inherit: jsii.Bool(false),
		// A random password, drawn at the first apply and kept: the
		// app's own, so a breached app never learns the owner's.
		Password:  cdktf.Fn_Uuid(),
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("password")},
		DependsOn: &after,
	})
	if props.ConnectionLimit > 0 {
		o.Role.SetConnectionLimit(jsii.Number(float64(props.ConnectionLimit)))
		o.AppRole.SetConnectionLimit(jsii.Number(float64(props.ConnectionLimit)))
	}
	o.Database = database.NewDatabase(c, jsii.String(idDatabase), &database.DatabaseConfig{
		Name:     jsii.String(db),
		Owner:    o.Role.Name(),
		Encoding: jsii.String("UTF8"),
		// Destroyed before the app role: the app role holds grants inside
		// the database, and PostgreSQL drops a role only once they are gone.
		DependsOn: &[]cdktf.ITerraformDependable{o.AppRole},
	})
	o.RevokePublic = grant.NewGrant(c, jsii.String(idRevoke), &grant.GrantConfig{
		Database:   o.Database.Name(),
		Role:       jsii.String("public"),
		ObjectType: jsii.String("database"),
		Privileges: &[]*string{}, // none: revokes CONNECT and TEMPORARY
	})
	if props.MigrationImage == nil {
		o.FlywayImage = image.NewImage(c, jsii.String(idFlywayImage), &image.ImageConfig{
			Name: jsii.String(props.FlywayImage), KeepLocally: jsii.Bool(true),
		})
	}
	o.Flyway = newFlywayContainer(c, o, props)
	return o, nil
}

// FlywayMemoryMiB limits a Flyway run (its JVM sizes its heap from it).
const FlywayMemoryMiB = 512

func newFlywayContainer(c constructs.Construct, o *Database, props Props) container.Container {
	db := props.Database()
	server := props.Cluster.Connection()
	uploads := []*container.ContainerUpload{{
		File: jsii.String(dbspec.FlywayConf),
		// The password reaches Flyway as a file, not as an environment value.
		// Java properties: a backslash starts an escape.
		Content: jsii.String("flyway.password=" + *tfstring.BackslashEscape(props.Password, "") + "\n"),
	}}
	var flywayImage *string
	if props.MigrationImage != nil {
		flywayImage = props.MigrationImage.Image.ImageId()
	} else {
		flywayImage = o.FlywayImage.ImageId()
		for _, m := range props.Migrations {
			uploads = append(uploads, &container.ContainerUpload{
				File: jsii.String(dbspec.FlywaySQLDir + "/" + m.File), Content: tfstring.Literal(string(m.SQL)),
			})
		}
		uploads = append(uploads, &container.ContainerUpload{
			File: jsii.String(dbspec.FlywaySQLDir + "/" + dbspec.AppRoleCallbackFile), Content: tfstring.Literal(dbspec.AppRoleCallback),
		})
	}
	labels := map[string]string{MigrationsHashLabel: props.MigrationsHash()}
	for k, v := range props.Labels {
		labels[k] = v
	}
	env := jsii.Strings(
		fmt.Sprintf("FLYWAY_URL=jdbc:postgresql://%s:%d/%s", server.InternalHost, server.InternalPort, db),
		"FLYWAY_USER="+db,
		"FLYWAY_LOCATIONS=filesystem:"+dbspec.FlywaySQLDir,
		"FLYWAY_CONNECT_RETRIES=10",
		"FLYWAY_VALIDATE_MIGRATION_NAMING=true",
		// Terraform made the app role; the callback grants it its rights.
		dbspec.AppRolePlaceholder+"="+props.AppRole(),
		dbspec.AppRolePasswordPlaceholder+"="+dbspec.AppRoleManagedElsewhere,
	)
	cfg := &container.ContainerConfig{
		Image:            flywayImage,
		Command:          jsii.Strings("migrate"),
		Env:              env,
		NetworksAdvanced: &[]*container.ContainerNetworksAdvanced{{Name: props.Network.Name()}},
		Upload:           &uploads,
		// Run to completion inside the apply and keep Flyway's output. A
		// terminal keeps the output one plain stream: without it the logs
		// carry Docker's binary frame headers.
		Attach:  jsii.Bool(true),
		Tty:     jsii.Bool(true),
		Logs:    jsii.Bool(true),
		MustRun: jsii.Bool(false),
		Restart: jsii.String("no"),
		Labels:  dockerlabels.Container(labels),
		// Flyway reads files and talks to PostgreSQL: no privilege, and a
		// read-only root (its JVM writes /tmp).
		SecurityOpts: jsii.Strings(dockercontainer.NoNewPrivileges),
		Capabilities: dockercontainer.OnlyCapabilities(),
	}
	dockercontainer.ReadOnlyRoot(cfg, dockercontainer.DefaultWritablePaths, dockercontainer.Files{
		Scope: c, ID: idFlyway + "-files", Prefix: FlywayName(props.Project, props.App), Labels: props.Labels,
	})
	dockercontainer.LimitMemory(cfg, FlywayMemoryMiB)
	// App rollouts depend on Flyway, so Terraform replaces it
	// create-before-destroy: each run gets a name of its own, renewed by
	// any of its settings.
	o.FlywayRevision, cfg.Name = dockercontainer.AddRevision(c, idFlywayRevision, FlywayName(props.Project, props.App), dockercontainer.Triggers(cfg))
	cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{
		Postcondition: &[]*cdktf.Postcondition{{
			Condition:    jsii.String("${self.exit_code == 0}"),
			ErrorMessage: jsii.String("flyway migrate failed for " + props.App + " (exit ${self.exit_code}):\n${self.container_logs}"),
		}},
	}
	// After ReadOnlyRoot's files container too.
	deps := []cdktf.ITerraformDependable{o.Database, o.RevokePublic, o.AppRole}
	if cfg.DependsOn != nil {
		deps = append(deps, *cfg.DependsOn...)
	}
	cfg.DependsOn = &deps
	return container.NewContainer(c, jsii.String(idFlyway), cfg)
}

// Connection is how an app container reaches its database on the
// platform network.
type Connection struct {
	Host string
	Port int
	// Name is the database.
	Name string
	// User is the app's login role (dbspec.Spec.AppRole), not the owner.
	User string
	// Password is the app role's password token (from the state).
	Password *string
}

// Connection is how the app connects.
func (o *Database) Connection() Connection {
	server := o.cluster.Connection()
	return Connection{Host: server.InternalHost, Port: server.InternalPort, Name: o.spec.Database(), User: o.spec.AppRole(), Password: o.AppRole.Password()}
}

// Spec is the shared spec.
func (o *Database) Spec() dbspec.Spec { return o.spec }

func (p Props) validate(check *propcheck.Errors) error {
	p.Spec.Check(check)
	check.Missing("Password", p.Password == nil)
	check.Ref("Cluster", p.Cluster)
	check.Ref("Network", p.Network)
	check.OptionalRef("MigrationImage", p.MigrationImage)
	if strings.ContainsAny(p.FlywayImage, " \t") || !strings.Contains(p.FlywayImage, ":") {
		check.Add("FlywayImage", p.FlywayImage, "must be an image pinned to a tag")
	}
	check.Claim("PostgreSQL role", p.Database())
	check.Claim("PostgreSQL role", p.AppRole())
	check.Claim("container", p.Project+"-"+p.App+"-flyway")
	return check.Err()
}

// FlywayName starts the names of app's Flyway run containers (each run
// adds its revision).
func FlywayName(project, app string) string { return project + "-" + app + "-flyway" }

// defaults fills the zero-valued fields that have a default.
func (p *Props) defaults() {
	if p.FlywayImage == "" {
		p.FlywayImage = dbspec.FlywayImage
	}
}
