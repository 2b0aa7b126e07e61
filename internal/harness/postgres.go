package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a throwaway PostgreSQL cluster on 127.0.0.1, with
// scram-sha-256 password authentication for TCP connections.
type Postgres struct {
	Host     string
	Port     int
	User     string
	Password string
	// Dir holds the data directory, socket and log.
	Dir  string
	proc *process
}

// PostgresSuperuser is the superuser of a throwaway cluster.
const PostgresSuperuser = "postgres"

// DSN is a libpq URL for database db as the superuser.
func (p *Postgres) DSN(db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", p.User, p.Password, p.Host, p.Port, db)
}

// PostgresOptions shape a throwaway cluster.
type PostgresOptions struct {
	// InitdbArgs replace the default authentication options
	// (scram-sha-256 for local and TCP connections).
	InitdbArgs []string
	// Settings are extra -c name=value server settings.
	Settings map[string]string
}

// StartPostgres creates a cluster in a new directory under parent with
// initdb and starts it on a free port, listening on 127.0.0.1 only.
// PostgreSQL refuses to run as root, so as root the cluster runs as the
// "postgres" system user.
func StartPostgres(parent string, opts PostgresOptions) (*Postgres, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "pg-")
	if err != nil {
		return nil, err
	}
	cred, err := runAs(dir)
	if err != nil {
		return nil, err
	}
	pg := &Postgres{Host: "127.0.0.1", User: PostgresSuperuser, Password: "throwaway-" + strconv.FormatInt(time.Now().UnixNano(), 36), Dir: dir}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(pg.Password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if cred != nil {
		_ = os.Chown(pwfile, int(cred.Uid), int(cred.Gid))
	}
	data := filepath.Join(dir, "data")
	auth := opts.InitdbArgs
	if auth == nil {
		auth = []string{"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8"}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), append([]string{"-D", data, "-U", pg.User, "--pwfile", pwfile, "--locale=C.UTF-8"}, auth...)...)
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if pg.Port, err = FreePort(); err != nil {
		return nil, err
	}
	args := []string{"-D", data, "-p", strconv.Itoa(pg.Port), "-c", "password_encryption=scram-sha-256", "-c", "fsync=off"}
	for k, v := range opts.Settings {
		args = append(args, "-c", k+"="+v)
	}
	// Last, so a test server never listens beyond loopback.
	args = append(args, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dir)
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if pg.proc, err = startProcess(cmd, filepath.Join(dir, "postgres.log")); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	// An open port is not readiness: PostgreSQL listens before it accepts
	// logins ("the database system is starting up"). Ready is a login.
	if err := pg.waitForLogin(60 * time.Second); err != nil {
		pg.Stop()
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return nil, fmt.Errorf("postgres on 127.0.0.1:%d: %w\nserver log:\n%s", pg.Port, err, log)
	}
	return pg, nil
}

// waitForLogin waits until the superuser can log in and run a query, the
// server exits, or timeout passes; the error carries the last failure.
func (pg *Postgres) waitForLogin(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-pg.proc.exited:
			return fmt.Errorf("the server exited during start-up (last login attempt: %v)", last)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, pg.DSN("postgres"))
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no login within %s: %v", timeout, last)
}

// postgresBinDir finds the server binaries: on PATH, or in Debian's and
// Ubuntu's versioned directory (newest first), which is not on PATH.
func postgresBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, postgres) are neither on PATH nor in /usr/lib/postgresql/*/bin: install the postgresql package")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Stop shuts the cluster down (fast shutdown) and removes its files.
func (p *Postgres) Stop() {
	if p.proc != nil {
		p.proc.stop(10 * time.Second)
	}
	_ = os.RemoveAll(p.Dir)
}

// runAs returns the credential to run PostgreSQL with: none for a normal
// user, the "postgres" system user for root (dir is handed over to it).
func runAs(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs the 'postgres' system user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	// The parent directories must be traversable by that user.
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o001 == 0 {
			_ = os.Chmod(d, st.Mode().Perm()|0o011)
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
