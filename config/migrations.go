package config

import "github.com/homecloud-dev/fullstack/flyway"

// AppMigrations are app's Flyway migrations, read from MigrationsDir(app)
// once per project value: Normalize reads them to check them, and the
// stacks get the same migrations instead of reading the folder again.
func (p *Project) AppMigrations(app string) ([]flyway.Migration, error) {
	dir := p.MigrationsDir(app)
	if ms, ok := p.migrations[dir]; ok {
		return ms, nil
	}
	ms, err := flyway.Load(dir)
	if err != nil {
		return nil, err
	}
	if p.migrations == nil {
		p.migrations = map[string][]flyway.Migration{}
	}
	p.migrations[dir] = ms
	return ms, nil
}
