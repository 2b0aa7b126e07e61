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
	dir, ok := strings.CutPrefix(setting("locations"), "filesystem:")
	if !ok {
		return fmt.Errorf("locations %q: the stand-in reads filesystem: locations only", setting("locations"))
	}
	migrations, err := flyway.Load(dir)
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
		return nil
	}
	fmt.Printf("Successfully applied %d migrations to schema \"public\"\n", len(applied))
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
