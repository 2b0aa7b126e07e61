package config

import (
	"strings"
	"testing"
)

func TestCheckSecrets(t *testing.T) {
	p := &Project{Name: "shop", Apps: []App{{Name: "order-api", Database: AppDatabase{Enabled: true}}}}
	p.OnPrem.Registry.HTPasswd = true
	p.OnPrem.Offsite.Repository = "s3:https://s3.amazonaws.com/shop-backups"
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	cases := []struct {
		name string
		vars map[string]string
		want string // "" means no error
	}{
		{"unset is fine (asked at plan time)", nil, ""},
		{"good password", map[string]string{"TF_VAR_onprem_postgres_password": "correct-horse-battery"}, ""},
		{"empty", map[string]string{"TF_VAR_onprem_postgres_password": ""}, "TF_VAR_onprem_postgres_password: is empty"},
		{"too short", map[string]string{"TF_VAR_onprem_postgres_password": "hunter2"}, "TF_VAR_onprem_postgres_password: is too short (7 characters): use at least 12 for the PostgreSQL superuser password"},
		{"short app password", map[string]string{"TF_VAR_onprem_db_password_order_api": "short"}, "TF_VAR_onprem_db_password_order_api: is too short (5 characters): use at least 12 for the password of app order-api's database role"},
		{"backslash", map[string]string{"TF_VAR_onprem_postgres_password": `correct\horse-battery`}, "TF_VAR_onprem_postgres_password: contains a backslash"},
		{"short off-site password", map[string]string{"TF_VAR_onprem_offsite_password": "hunter2"}, "TF_VAR_onprem_offsite_password: is too short (7 characters): the off-site repository's password needs at least 12"},
		{"empty bucket key", map[string]string{"TF_VAR_onprem_offsite_access_key_id": ""}, "TF_VAR_onprem_offsite_access_key_id: is empty"},
		{"empty htpasswd", map[string]string{"TF_VAR_onprem_registry_htpasswd": ""}, "TF_VAR_onprem_registry_htpasswd: is empty"},
	}
	for _, c := range cases {
		err := CheckSecrets(p, env(c.vars))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("%s: the message leaks the password: %v", c.name, err)
		}
	}
}

func TestOnPremSecretsNameTheOffsiteOnes(t *testing.T) {
	p := &Project{Name: "shop"}
	if got := strings.Join(OnPremSecrets(p), " "); strings.Contains(got, "offsite") {
		t.Errorf("no off-site copy, but %s", got)
	}
	p.OnPrem.Offsite.Repository = "s3:https://s3.amazonaws.com/shop-backups"
	got := strings.Join(OnPremSecrets(p), " ")
	for _, want := range []string{"TF_VAR_onprem_offsite_password", "TF_VAR_onprem_offsite_access_key_id", "TF_VAR_onprem_offsite_secret_access_key"} {
		if !strings.Contains(got, want) {
			t.Errorf("OnPremSecrets = %s, lacks %s", got, want)
		}
	}
}
