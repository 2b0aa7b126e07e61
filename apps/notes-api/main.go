// Command notes-api is the sample REST API of the default project: notes
// with tags, stored in PostgreSQL. It reads its database connection from
// the standard libpq environment (PGHOST, PGPORT, PGDATABASE, PGUSER,
// PGPASSWORD, PGSSLMODE) or DATABASE_URL, listens on PORT (8080) and serves
// the notes under API_PREFIX (default none, e.g. "/api").
//
//	GET  /healthz     200 when the database answers, else 503
//	GET  /notes       newest notes with their tags
//	POST /notes       {"title", "body", "tags"} -> 201 with the note
//	GET  /notes/{id}  one note
//
// `notes-api -healthcheck` asks a running instance's /healthz and exits 0
// or 1: the container health check (the image has no shell or curl).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	healthcheck := flag.Bool("healthcheck", false, "check a running instance's /healthz and exit")
	flag.Parse()
	port := envOr("PORT", "8080")
	if *healthcheck {
		os.Exit(checkHealth("http://127.0.0.1:" + port + "/healthz"))
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log, port); err != nil {
		log.Error("notes-api stopped", "error", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, port string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// An empty DATABASE_URL makes pgx read the PG* variables.
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return fmt.Errorf("database settings: %w", err)
	}
	defer pool.Close()
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           routes(&store{pool: pool}, log, strings.TrimSuffix(os.Getenv("API_PREFIX"), "/")),
		ReadHeaderTimeout: 5 * time.Second,
	}
	errs := make(chan error, 1)
	go func() { errs <- srv.ListenAndServe() }()
	log.Info("listening", "port", port)
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests before the task or container stops.
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func checkHealth(url string) int {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "unhealthy: status", resp.StatusCode)
		return 1
	}
	return 0
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
