package dbspec

import "github.com/homecloud-dev/fullstack/naming"

// The app's own login role. Both targets have the same two roles per
// database:
//   - the owner, named Database(): it owns the database and every object
//     Flyway creates, and only Flyway (and operators) use it. On AWS it is
//     the RDS master user, whose secret stays with the migration task.
//   - the app role, named AppRole(): the app connects as it. It may read
//     and write the rows of the app's tables and use their sequences, and
//     nothing else: it cannot create, alter or drop tables, create roles,
//     or touch Flyway's history.
//
// The rights come from one Flyway callback, AppRoleCallback, which Flyway
// runs as the owner after every migrate, so tables a later migration adds
// are granted by the same run that creates them. On the home server
// Terraform creates the role (the owner may not create roles there); on
// AWS the callback creates it, as the master user, with the password kept
// in the app role's own secret.

// AppRole is the login role the app connects as.
func (s Spec) AppRole() string { return s.Database() + naming.AppRoleSuffix }

// Flyway placeholders the callback reads, as environment variables of
// the Flyway container (Flyway lowercases the name after the prefix).
const (
	AppRolePlaceholder         = "FLYWAY_PLACEHOLDERS_APP_ROLE"
	AppRolePasswordPlaceholder = "FLYWAY_PLACEHOLDERS_APP_ROLE_PASSWORD"
	// AppRoleManagedElsewhere as the password tells the callback that
	// something else (Terraform, at home) creates the role and keeps its
	// password: the callback only grants.
	AppRoleManagedElsewhere = "managed-by-terraform"
)

// AppRoleCallbackFile is the callback's name in Flyway's SQL folder: an
// afterMigrate callback, which Flyway runs after every migrate, including
// one with nothing to migrate. It is not a migration and is never in
// flyway_schema_history.
const AppRoleCallbackFile = "afterMigrate__app_role.sql"

// AppRoleCallback creates (AWS) and grants the app role. It runs as the
// owner, which on AWS is the RDS master user: a member of rds_superuser,
// not a superuser, so it names no superuser-only attribute.
//
// The password arrives as a placeholder, so it is in the statement's text
// (as in any CREATE ROLE ... PASSWORD): it is checked to be letters and
// digits (AppRolePasswordRule) before it is used, never echoed, and sits
// between dollar quotes, so no character of it can end the literal.
const AppRoleCallback = `-- The app's own login role (written by fullstack; do not edit): Flyway
-- runs this as the database owner after every migrate.
DO $app_role$
DECLARE
  password text := $app_role_password$${app_role_password}$app_role_password$;
BEGIN
  IF password <> '` + AppRoleManagedElsewhere + `' THEN
    IF password !~ '^[A-Za-z0-9]{32,}$' THEN
      RAISE EXCEPTION 'the app role password (placeholder app_role_password) must be 32 or more letters and digits';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${app_role}') THEN
      EXECUTE format('CREATE ROLE %I', '${app_role}');
    END IF;
    EXECUTE format('ALTER ROLE %I WITH LOGIN NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %L', '${app_role}', password);
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), '${app_role}');
  -- Before PostgreSQL 15 everyone may create objects in public: not the
  -- app (where the owner of the schema runs this).
  IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END
$app_role$;
` + AppRoleGrants

// AppRoleGrants are the app role's rights in its database, granted by the
// owner after every migrate (AppRoleCallback) and after a restore at home,
// whose archive may predate a table's grant.
const AppRoleGrants = `GRANT USAGE ON SCHEMA public TO "${app_role}";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${app_role}";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "${app_role}";
-- The migration history is the owner's alone.
REVOKE ALL ON flyway_schema_history FROM "${app_role}";
`

// AppRolePasswordRule is what a generated app role password avoids: it
// sits inside a SQL string literal in the callback.
const AppRolePasswordRule = "letters and digits only"
