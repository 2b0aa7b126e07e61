package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/homecloud-dev/fullstack/flyway"
)

// Flyway itself cannot be downloaded on the build machine, so tests apply
// migrations with Migrate: Flyway's order and rules, and Flyway's history
// table (flyway_schema_history, same columns), against a real PostgreSQL.

const historyTable = `CREATE TABLE IF NOT EXISTS flyway_schema_history (
    installed_rank integer       PRIMARY KEY,
    version        varchar(50),
    description    varchar(200)  NOT NULL,
    type           varchar(20)   NOT NULL,
    script         varchar(1000) NOT NULL,
    checksum       integer,
    installed_by   varchar(100)  NOT NULL,
    installed_on   timestamp     NOT NULL DEFAULT now(),
    execution_time integer       NOT NULL,
    success        boolean       NOT NULL
)`

// Migrate applies the pending migrations in order, each in its own
// transaction, and records them. Like `flyway migrate`: an applied
// versioned migration whose checksum changed is an error, a pending version
// older than the newest applied one is an error (no out-of-order), and a
// repeatable migration re-runs when its checksum changed. It returns the
// files it applied; a failure names the file and carries PostgreSQL's error.
func Migrate(ctx context.Context, conn *pgx.Conn, migrations []flyway.Migration) ([]string, error) {
	if _, err := conn.Exec(ctx, historyTable); err != nil {
		return nil, fmt.Errorf("create flyway_schema_history: %w", err)
	}
	applied := map[string]int32{} // version -> checksum
	repeatable := map[string]int32{}
	var newest flyway.Migration
	rank := 0
	rows, err := conn.Query(ctx, `SELECT installed_rank, coalesce(version, ''), description, type, script, checksum
		FROM flyway_schema_history WHERE success ORDER BY installed_rank`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			r                           int
			version, desc, kind, script string
			sum                         int32
		)
		if err := rows.Scan(&r, &version, &desc, &kind, &script, &sum); err != nil {
			return nil, err
		}
		rank = max(rank, r)
		if kind == string(flyway.Repeatable) {
			repeatable[desc] = sum
		} else {
			applied[version] = sum
			newest = flyway.Migration{Version: version, File: script}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var done []string
	for _, m := range migrations {
		switch m.Kind {
		case flyway.Versioned:
			if sum, ok := applied[m.Version]; ok {
				if sum != m.Checksum {
					return done, fmt.Errorf("%s: checksum mismatch: version %s was applied with checksum %d, the file now has %d; applied migrations must not change (add a new version instead)", m.File, m.Version, sum, m.Checksum)
				}
				continue
			}
			if newest.File != "" && flyway.Before(m, newest) {
				return done, fmt.Errorf("%s: version %s is older than the applied %s (%s): Flyway does not apply migrations out of order", m.File, m.Version, newest.Version, newest.File)
			}
		case flyway.Repeatable:
			if sum, ok := repeatable[m.Description]; ok && sum == m.Checksum {
				continue
			}
		}
		rank++
		if err := apply(ctx, conn, m, rank); err != nil {
			return done, err
		}
		done = append(done, m.File)
	}
	return done, nil
}

func apply(ctx context.Context, conn *pgx.Conn, m flyway.Migration, rank int) error {
	start := time.Now()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The simple protocol runs a file of several statements as Flyway does.
	if _, err := tx.Exec(ctx, string(m.SQL), pgx.QueryExecModeSimpleProtocol); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return fmt.Errorf("%s: migration failed: %s (SQLSTATE %s) at character %d", m.File, pgErr.Message, pgErr.Code, pgErr.Position)
		}
		return fmt.Errorf("%s: migration failed: %w", m.File, err)
	}
	var version any
	if m.Kind == flyway.Versioned {
		version = m.Version
	}
	if _, err := tx.Exec(ctx, `INSERT INTO flyway_schema_history
		(installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
		VALUES ($1, $2, $3, $4, $5, $6, current_user, $7, true)`,
		rank, version, m.Description, string(m.Kind), m.File, m.Checksum, int(time.Since(start).Milliseconds())); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
