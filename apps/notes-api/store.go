package main

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Note is one note with its tags.
type Note struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	UpdatedAt time.Time `json:"updated_at"`
}

// store reads and writes notes; the schema is migrations/notes-api.
type store struct{ pool *pgxpool.Pool }

var errNotFound = errors.New("note not found")

func (s *store) ping(ctx context.Context) error { return s.pool.Ping(ctx) }

func (s *store) create(ctx context.Context, n Note) (Note, error) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, updated_at`,
			n.Title, n.Body).Scan(&n.ID, &n.UpdatedAt); err != nil {
			return err
		}
		for _, tag := range n.Tags {
			if _, err := tx.Exec(ctx, `INSERT INTO note_tags (note_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING`, n.ID, tag); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func (s *store) get(ctx context.Context, id int64) (Note, error) {
	var n Note
	err := s.pool.QueryRow(ctx, `
		SELECT n.id, n.title, n.body, n.updated_at,
		       coalesce(array_agg(t.tag ORDER BY t.tag) FILTER (WHERE t.tag IS NOT NULL), '{}')
		FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id
		WHERE n.id = $1 GROUP BY n.id`, id).Scan(&n.ID, &n.Title, &n.Body, &n.UpdatedAt, &n.Tags)
	if errors.Is(err, pgx.ErrNoRows) {
		return n, errNotFound
	}
	return n, err
}

func (s *store) list(ctx context.Context, limit int) ([]Note, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, title, excerpt, tags, updated_at FROM note_summaries ORDER BY updated_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Note, error) {
		var n Note
		return n, r.Scan(&n.ID, &n.Title, &n.Body, &n.Tags, &n.UpdatedAt)
	})
}
