package config

// Sensitive Terraform variables of the onprem stack. Their values never
// enter the project file or cdk.tf.json; Terraform reads them from
// TF_VAR_<name> (or --var) at plan time.
const (
	PostgresPasswordVariable = "onprem_postgres_password"
	RegistryHTPasswdVariable = "onprem_registry_htpasswd"
	// MinPasswordLength is enforced at synthesis (when the variable is in
	// the environment) and again by the variable's validation at plan time.
	MinPasswordLength = 12
)

// CheckSecrets checks the sensitive variables that are already in the
// environment (lookupEnv is os.LookupEnv), so a bad password fails before
// anything is deployed. Messages never contain the values.
func CheckSecrets(p *Project, lookupEnv func(string) (string, bool)) error {
	var errs problems
	name := "TF_VAR_" + PostgresPasswordVariable
	if pw, ok := lookupEnv(name); ok {
		switch {
		case pw == "":
			errs.add(name, nil, "is empty: set the PostgreSQL superuser password (at least %d characters)", MinPasswordLength)
		case len(pw) < MinPasswordLength:
			errs.add(name, nil, "is too short (%d characters): use at least %d", len(pw), MinPasswordLength)
		}
	}
	name = "TF_VAR_" + RegistryHTPasswdVariable
	if ht, ok := lookupEnv(name); ok && ht == "" && p.OnPrem.Registry.HTPasswd {
		errs.add(name, nil, "is empty but onprem.registry.htpasswd is on: give htpasswd lines (user:bcrypt-hash)")
	}
	return errs.join()
}
