package config

import (
	"strings"

	"github.com/homecloud-dev/fullstack/homerules"
	"github.com/homecloud-dev/fullstack/naming"
)

// Sensitive Terraform variables of the onprem stack. Their values never
// enter the project file or cdk.tf.json; Terraform reads them from
// TF_VAR_<name> (or --var) at plan time.
const (
	PostgresPasswordVariable = "onprem_postgres_password"
	RegistryHTPasswdVariable = "onprem_registry_htpasswd"
	// RegistryUserVariable and RegistryPasswordVariable are the credentials
	// the deploy pushes with when htpasswd is on (one of the htpasswd users).
	RegistryUserVariable     = "onprem_registry_username"
	RegistryPasswordVariable = "onprem_registry_password"
	// AppPasswordVariablePrefix + <database name> holds an app role's
	// password, e.g. onprem_db_password_notes_api.
	AppPasswordVariablePrefix = "onprem_db_password_"
	// The off-site repository's password (restic encrypts with it) and the
	// bucket's access keys, when onprem.offsite.repository is set.
	OffsitePasswordVariable        = "onprem_offsite_password"
	OffsiteAccessKeyIDVariable     = "onprem_offsite_access_key_id"
	OffsiteSecretAccessKeyVariable = "onprem_offsite_secret_access_key"
)

// CheckSecrets checks the sensitive variables that are already in the
// environment (lookupEnv is os.LookupEnv), so a bad password fails before
// anything is deployed. Messages never contain the values.
func CheckSecrets(p *Project, lookupEnv func(string) (string, bool)) error {
	var errs problems
	checkPassword(&errs, lookupEnv, PostgresPasswordVariable, "the PostgreSQL superuser password")
	for _, a := range p.Apps {
		if a.Database.Enabled {
			checkPassword(&errs, lookupEnv, AppPasswordVariable(a.Name), "the password of app "+a.Name+"'s database role")
		}
	}
	for _, a := range p.Apps {
		for _, s := range a.Secrets {
			name := "TF_VAR_" + AppSecretVariable(a.Name, s)
			if v, ok := lookupEnv(name); ok && v == "" {
				errs.add(name, nil, "is empty: set app %s's secret %s", a.Name, s)
			}
		}
	}
	if p.OnPrem.Offsite.Enabled() {
		name := "TF_VAR_" + OffsitePasswordVariable
		if pw, ok := lookupEnv(name); ok && len(pw) < homerules.MinPasswordLength {
			errs.add(name, nil, "is too short (%d characters): the off-site repository's password needs at least %d (keep a copy away from the server: without it the backups cannot be read)", len(pw), homerules.MinPasswordLength)
		}
		for _, v := range []string{OffsiteAccessKeyIDVariable, OffsiteSecretAccessKeyVariable} {
			if key, ok := lookupEnv("TF_VAR_" + v); ok && key == "" {
				errs.add("TF_VAR_"+v, nil, "is empty: set the key of onprem.offsite.repository's bucket")
			}
		}
	}
	name := "TF_VAR_" + RegistryHTPasswdVariable
	if ht, ok := lookupEnv(name); ok && ht == "" && p.OnPrem.Registry.HTPasswd {
		errs.add(name, nil, "is empty but onprem.registry.htpasswd is on: give htpasswd lines (user:bcrypt-hash)")
	}
	return errs.join()
}

// AppSecretVariablePrefix + <app as a database name> + "_" + <lowercase
// name> holds one of an app's secrets, e.g. app_secret_notes_api_stripe_key.
const AppSecretVariablePrefix = "app_secret_"

// AppSecretVariable is the sensitive variable of one of app's secrets.
func AppSecretVariable(app, name string) string {
	return AppSecretVariablePrefix + naming.AppDatabase(app).Value + "_" + strings.ToLower(name)
}

// AppPasswordVariable is the sensitive variable of an app's role password.
func AppPasswordVariable(app string) string {
	return AppPasswordVariablePrefix + naming.AppDatabase(app).Value
}

func checkPassword(errs *problems, lookupEnv func(string) (string, bool), variable, what string) {
	name := "TF_VAR_" + variable
	if pw, ok := lookupEnv(name); ok {
		switch {
		case pw == "":
			errs.add(name, nil, "is empty: set %s (at least %d characters)", what, homerules.MinPasswordLength)
		case len(pw) < homerules.MinPasswordLength:
			errs.add(name, nil, "is too short (%d characters): use at least %d for %s", len(pw), homerules.MinPasswordLength, what)
		case strings.Contains(pw, `\`):
			errs.add(name, nil, "contains a backslash: choose %s without one (the postgresql provider doubles backslashes when it sets a role's password)", what)
		}
	}
}

// OnPremSecrets are the TF_VAR_ names a deploy of the onprem stack needs.
func OnPremSecrets(p *Project) []string {
	names := []string{"TF_VAR_" + PostgresPasswordVariable}
	for _, a := range p.Apps {
		if a.Database.Enabled {
			names = append(names, "TF_VAR_"+AppPasswordVariable(a.Name))
		}
	}
	names = append(names, AppSecretEnv(p)...)
	if p.OnPrem.Registry.HTPasswd {
		names = append(names, "TF_VAR_"+RegistryHTPasswdVariable, "TF_VAR_"+RegistryUserVariable, "TF_VAR_"+RegistryPasswordVariable)
	}
	if p.OnPrem.Offsite.Enabled() {
		names = append(names, "TF_VAR_"+OffsitePasswordVariable, "TF_VAR_"+OffsiteAccessKeyIDVariable, "TF_VAR_"+OffsiteSecretAccessKeyVariable)
	}
	if m := p.OnPrem.Monitoring; !m.Disabled && m.SMTP.Username != "" {
		names = append(names, "TF_VAR_"+SMTPPasswordVariable)
	}
	return names
}

// AppSecretEnv are the TF_VAR_ names of every app secret; deploys of both
// stacks need them.
func AppSecretEnv(p *Project) []string {
	var names []string
	for _, a := range p.Apps {
		for _, s := range a.Secrets {
			names = append(names, "TF_VAR_"+AppSecretVariable(a.Name, s))
		}
	}
	return names
}

// SMTPPasswordVariable holds the password of onprem.monitoring.smtp's
// username, when one is set.
const SMTPPasswordVariable = "onprem_smtp_password"
