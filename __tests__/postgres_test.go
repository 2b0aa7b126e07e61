package tests

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/homecloud-dev/fullstack/constructs/onprem/postgrescluster/pgconfig"
	"github.com/homecloud-dev/fullstack/internal/harness"
	"github.com/homecloud-dev/fullstack/internal/harnesstest"
)

// TestPostgresAuthentication starts a real PostgreSQL with the cluster
// construct's initdb options and server settings: the password works, a
// wrong one and a missing one are refused, and the stored verifier is
// SCRAM.
func TestPostgresAuthentication(t *testing.T) {
	inShortLane(t)
	pg := harnesstest.PostgresT(t, harness.PostgresOptions{
		InitdbArgs: pgconfig.InitdbArgs,
		Settings:   map[string]string{"password_encryption": pgconfig.ServerSettings["password_encryption"]},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.DSN("postgres"))
	if err != nil {
		t.Fatalf("superuser with the right password: %v", err)
	}
	defer conn.Close(ctx)
	var verifier string
	if err := conn.QueryRow(ctx, "select rolpassword from pg_authid where rolname = $1", pg.User).Scan(&verifier); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(verifier, "SCRAM-SHA-256$") {
		t.Errorf("password stored as %.14s..., want a SCRAM-SHA-256 verifier", verifier)
	}
	for _, pw := range []string{"wrong-password", ""} {
		bad := *pg
		bad.Password = pw
		if c, err := pgx.Connect(ctx, bad.DSN("postgres")); err == nil {
			c.Close(ctx)
			t.Errorf("password %q was accepted", pw)
		}
	}
}
