// Command flyway is the Flyway stand-in's entry point: `flyway migrate`
// configured as the official image is (FLYWAY_URL, FLYWAY_USER,
// FLYWAY_PASSWORD or flyway.password in /flyway/conf/flyway.conf,
// FLYWAY_LOCATIONS=filesystem:<dir>, FLYWAY_CONNECT_RETRIES), applying the
// migrations with the project's Flyway-compatible runner. It exits 1 with
// a readable error when a migration fails, as Flyway does.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/flyway"
	"github.com/homecloud-dev/fullstack/internal/harness"
)

const confFile = "/flyway/conf/flyway.conf"

func main() {
	if len(os.Args) != 2 || os.Args[1] != "migrate" {
		fmt.Fprintln(os.Stderr, "usage: flyway migrate (the stand-in knows only migrate)")
		os.Exit(2)
	}
	if err := migrate(); err != nil {
		fmt.Fprintln(os.Stderr, "ERROR:", err)
		os.Exit(1)
	}
}

func migrate() error {
	conf, err := readConf(confFile)
	if err != nil {
		return err
	}
	setting := func(name string) string {
		if v := os.Getenv("FLYWAY_" + strings.ToUpper(name)); v != "" {
			return v
		}
		return conf["flyway."+name]
	}
	dsn, err := jdbcToDSN(setting("url"), setting("user"), setting("password"))
	if err != nil {
		return err
	}
	locations := setting("locations")
	if locations == "" {
		// The official image's default: the sql folder of its install.
		locations = "filesystem:/flyway/sql"
	}
	dir, ok := strings.CutPrefix(locations, "filesystem:")
	if !ok {
		return fmt.Errorf("locations %q: the stand-in reads filesystem: locations only", locations)
	}
	migrations, err := flyway.LoadSkippingCallbacks(dir)
	if err != nil {
		return err
	}
	retries, _ := strconv.Atoi(setting("connectRetries"))
	if v := os.Getenv("FLYWAY_CONNECT_RETRIES"); v != "" {
		retries, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	conn, err := connect(ctx, dsn, retries)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	fmt.Printf("Flyway stand-in: %d migrations in %s\n", len(migrations), dir)
	applied, err := harness.Migrate(ctx, conn, migrations)
	for _, f := range applied {
		fmt.Println("Migrating schema \"public\" with", f)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Println("Schema \"public\" is up to date. No migration necessary.")
	} else {
		fmt.Printf("Successfully applied %d migrations to schema \"public\"\n", len(applied))
	}
	return afterMigrate(ctx, conn, dir)
}

var (
	afterMigrateName = regexp.MustCompile(`^afterMigrate(__[^\s].*)?\.sql$`)
	placeholder      = regexp.MustCompile(`\$\{([A-Za-z0-9_.]+)\}`)
)

// afterMigrate runs the afterMigrate callbacks in dir, by name, as Flyway
// does after every migrate, with the placeholders replaced
// (FLYWAY_PLACEHOLDERS_<NAME> is ${name}). A placeholder without a value
// is an error, as in Flyway.
func afterMigrate(ctx context.Context, conn *pgx.Conn, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, kv := range os.Environ() {
		if name, value, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(name, "FLYWAY_PLACEHOLDERS_") {
			values[strings.ToLower(strings.TrimPrefix(name, "FLYWAY_PLACEHOLDERS_"))] = value
		}
	}
	for _, e := range entries {
		if !afterMigrateName.MatchString(e.Name()) {
			continue
		}
		sql, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		var missing []string
		text := placeholder.ReplaceAllStringFunc(string(sql), func(m string) string {
			name := placeholder.FindStringSubmatch(m)[1]
			v, ok := values[name]
			if !ok {
				missing = append(missing, m)
			}
			return v
		})
		if len(missing) > 0 {
			return fmt.Errorf("callback %s: No value provided for placeholder: %s", e.Name(), strings.Join(missing, ", "))
		}
		if _, err := conn.Exec(ctx, text); err != nil {
			return fmt.Errorf("callback %s failed: %w", e.Name(), err)
		}
		fmt.Println("Executed callback", e.Name())
	}
	return nil
}

// connect retries like Flyway's connectRetries (1 s, doubling, at most 10 s).
func connect(ctx context.Context, dsn string, retries int) (*pgx.Conn, error) {
	wait := time.Second
	for attempt := 0; ; attempt++ {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil || attempt >= retries {
			return conn, err
		}
		fmt.Fprintf(os.Stderr, "connection failed (%v); retrying in %s\n", err, wait)
		time.Sleep(wait)
		wait = min(2*wait, 10*time.Second)
	}
}

// jdbcToDSN turns jdbc:postgresql://host:port/db into a libpq URL.
func jdbcToDSN(jdbc, user, password string) (string, error) {
	rest, ok := strings.CutPrefix(jdbc, "jdbc:postgresql://")
	if !ok {
		return "", fmt.Errorf("url %q: the stand-in speaks jdbc:postgresql:// only", jdbc)
	}
	u, err := url.Parse("postgres://" + rest)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", jdbc, err)
	}
	u.User = url.UserPassword(user, password)
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// readConf reads a Java properties file (key=value, '\' escapes); a
// missing file is empty.
func readConf(path string) (map[string]string, error) {
	out := map[string]string{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		out[strings.TrimSpace(k)] = unescape(strings.TrimLeft(v, " \t"))
	}
	return out, sc.Err()
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
