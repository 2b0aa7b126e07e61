package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var tagPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// routes serves the notes under prefix (API_PREFIX, e.g. "/api", so a site
// can forward /api/ to it unchanged on both targets); /healthz stays at the
// root for health checks.
func routes(s *store, log *slog.Logger, prefix string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ping(r.Context()); err != nil {
			log.Warn("health check: database unreachable", "error", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET "+prefix+"/notes", func(w http.ResponseWriter, r *http.Request) {
		notes, err := s.list(r.Context(), 100)
		if err != nil {
			serverError(w, log, err)
			return
		}
		writeJSON(w, http.StatusOK, notes)
	})
	mux.HandleFunc("POST "+prefix+"/notes", func(w http.ResponseWriter, r *http.Request) {
		var n Note
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&n); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
			return
		}
		if problems := validate(n); len(problems) > 0 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid note", "problems": problems})
			return
		}
		created, err := s.create(r.Context(), n)
		if err != nil {
			serverError(w, log, err)
			return
		}
		created, err = s.get(r.Context(), created.ID)
		if err != nil {
			serverError(w, log, err)
			return
		}
		w.Header().Set("Location", prefix+"/notes/"+strconv.FormatInt(created.ID, 10))
		writeJSON(w, http.StatusCreated, created)
	})
	mux.HandleFunc("GET "+prefix+"/notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "id must be a number"})
			return
		}
		n, err := s.get(r.Context(), id)
		if errors.Is(err, errNotFound) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		if err != nil {
			serverError(w, log, err)
			return
		}
		writeJSON(w, http.StatusOK, n)
	})
	return mux
}

// validate mirrors the schema's checks so clients get a 400, not a 500.
func validate(n Note) []string {
	var problems []string
	if l := utf8.RuneCountInString(strings.TrimSpace(n.Title)); l < 1 || l > 200 {
		problems = append(problems, "title: 1 to 200 characters")
	}
	for _, t := range n.Tags {
		if !tagPattern.MatchString(t) {
			problems = append(problems, "tags: "+strconv.Quote(t)+" is not 1-32 of a-z, 0-9, '-'")
		}
	}
	return problems
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func serverError(w http.ResponseWriter, log *slog.Logger, err error) {
	log.Error("request failed", "error", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}
