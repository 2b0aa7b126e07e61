package appdatabase

import (
	"errors"
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

	"github.com/homecloud-dev/fullstack/constructs/dockerlabels"
	"github.com/homecloud-dev/fullstack/constructs/tfstring"
)

// OnPremProps configures the on-prem variant.
type OnPremProps struct {
	Spec
	// Password is the app role's password token (a sensitive variable).
	// Required.
	Password *string
	// ServerHost and ServerPort reach PostgreSQL on the platform network
	// (for Flyway). Required.
	ServerHost string
	ServerPort int
	// Network is the platform network name token. Required.
	Network *string
	// Server is what must exist before the role can be created: the
	// PostgreSQL container (it waits for its health check). Required.
	Server cdktf.ITerraformDependable
	// FlywayImage overrides FlywayImage.
	FlywayImage string
	// Labels go on the Flyway container.
	Labels map[string]string
}

// OnPrem is an app's database on the home server.
type OnPrem struct {
	constructs.Construct
	Role     role.Role
	Database database.Database
	// RevokePublic revokes every database privilege from PUBLIC.
	RevokePublic grant.Grant
	FlywayImage  image.Image
	// Flyway runs `flyway migrate` once per change of the migrations and
	// fails the deploy (postcondition) when Flyway fails.
	Flyway container.Container
	spec   Spec
}

const (
	idRole        = "role"
	idDatabase    = "database"
	idRevoke      = "revoke-public"
	idFlywayImage = "flyway-image"
	idFlyway      = "flyway"
	// MigrationsHashLabel carries the migrations' content hash; a change
	// replaces the Flyway container, which runs migrate again.
	MigrationsHashLabel = "fullstack.migrations-hash"
)

// NewOnPrem creates the app's role, database and migration run.
//
// Ordering on a fresh host: the postgresql provider only connects when it
// manages a resource, so planning needs no server. At apply, the role
// depends on the PostgreSQL container, which Terraform creates first and
// which only counts as created once its health check passes; the database,
// the grant and Flyway follow. One `cdktf deploy onprem` therefore works on
// an empty host.
func NewOnPrem(scope constructs.Construct, id string, props OnPremProps) (*OnPrem, error) {
	if props.FlywayImage == "" {
		props.FlywayImage = FlywayImage
	}
	if err := props.validate(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	db := props.Database()
	o := &OnPrem{Construct: c, spec: props.Spec}
	o.Role = role.NewRole(c, jsii.String(idRole), &role.RoleConfig{
		Name:      jsii.String(db),
		Login:     jsii.Bool(true),
		Password:  props.Password,
		DependsOn: &[]cdktf.ITerraformDependable{props.Server},
	})
	o.Database = database.NewDatabase(c, jsii.String(idDatabase), &database.DatabaseConfig{
		Name:     jsii.String(db),
		Owner:    o.Role.Name(),
		Encoding: jsii.String("UTF8"),
	})
	o.RevokePublic = grant.NewGrant(c, jsii.String(idRevoke), &grant.GrantConfig{
		Database:   o.Database.Name(),
		Role:       jsii.String("public"),
		ObjectType: jsii.String("database"),
		Privileges: &[]*string{}, // none: revokes CONNECT and TEMPORARY
	})
	o.FlywayImage = image.NewImage(c, jsii.String(idFlywayImage), &image.ImageConfig{
		Name: jsii.String(props.FlywayImage), KeepLocally: jsii.Bool(true),
	})
	o.Flyway = newFlywayContainer(c, o, props)
	return o, nil
}

func newFlywayContainer(c constructs.Construct, o *OnPrem, props OnPremProps) container.Container {
	db := props.Database()
	uploads := []*container.ContainerUpload{{
		File: jsii.String(FlywayConf),
		// The password reaches Flyway as a file, not as an environment value.
		// Java properties: a backslash starts an escape.
		Content: jsii.String("flyway.password=" + *tfstring.BackslashEscape(props.Password, "") + "\n"),
	}}
	for _, m := range props.Migrations {
		uploads = append(uploads, &container.ContainerUpload{
			File: jsii.String(FlywaySQLDir + "/" + m.File), Content: tfstring.Literal(string(m.SQL)),
		})
	}
	labels := map[string]string{MigrationsHashLabel: props.MigrationsHash()}
	for k, v := range props.Labels {
		labels[k] = v
	}
	return container.NewContainer(c, jsii.String(idFlyway), &container.ContainerConfig{
		Name:    jsii.String(props.Project + "-" + props.App + "-flyway"),
		Image:   o.FlywayImage.ImageId(),
		Command: jsii.Strings("migrate"),
		Env: jsii.Strings(
			fmt.Sprintf("FLYWAY_URL=jdbc:postgresql://%s:%d/%s", props.ServerHost, props.ServerPort, db),
			"FLYWAY_USER="+db,
			"FLYWAY_LOCATIONS=filesystem:"+FlywaySQLDir,
			"FLYWAY_CONNECT_RETRIES=10",
			"FLYWAY_VALIDATE_MIGRATION_NAMING=true",
		),
		NetworksAdvanced: &[]*container.ContainerNetworksAdvanced{{Name: props.Network}},
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
		Lifecycle: &cdktf.TerraformResourceLifecycle{
			Postcondition: &[]*cdktf.Postcondition{{
				Condition:    jsii.String("${self.exit_code == 0}"),
				ErrorMessage: jsii.String("flyway migrate failed for " + props.App + " (exit ${self.exit_code}):\n${self.container_logs}"),
			}},
		},
		DependsOn: &[]cdktf.ITerraformDependable{o.Database, o.RevokePublic},
	})
}

// Connection is how the app connects: its database (also its role name)
// and the role's password token.
func (o *OnPrem) Connection() (database string, password *string) {
	return o.spec.Database(), o.Role.Password()
}

func (p OnPremProps) validate() error {
	errs := []error{p.Spec.validate("NewOnPrem")}
	if p.Password == nil {
		errs = append(errs, errors.New("appdatabase.NewOnPrem: Password is required (a sensitive variable)"))
	}
	if p.Network == nil || p.Server == nil || p.ServerHost == "" || p.ServerPort == 0 {
		errs = append(errs, errors.New("appdatabase.NewOnPrem: Network, Server, ServerHost and ServerPort are required"))
	}
	if strings.ContainsAny(p.FlywayImage, " \t") || !strings.Contains(p.FlywayImage, ":") {
		errs = append(errs, fmt.Errorf("appdatabase.NewOnPrem: FlywayImage %q must be pinned to a tag", p.FlywayImage))
	}
	return errors.Join(errs...)
}
