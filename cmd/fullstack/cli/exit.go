// Package cli is what every fullstack subcommand shares: the exit codes
// and the parsing of its own flag set.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

// The exit codes of every subcommand (docs/cli.md lists them).
const (
	ExitOK          = 0   // done; every check passed
	ExitFailed      = 1   // the operation failed or a check refused (the message says why)
	ExitUsage       = 2   // bad usage: an unknown subcommand or flag, or bad arguments
	ExitInterrupted = 130 // interrupted (Ctrl-C or SIGTERM)
)

// Error is an error with its exit code.
type Error struct {
	Code int
	Err  error
	// Reported: the message (and the usage) was printed already.
	Reported bool
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Exit gives err the exit code code; a nil err stays nil.
func Exit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Code is the exit code for what a subcommand returned.
func Code(err error) int {
	var e *Error
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	return ExitFailed
}

// Reported says whether err's message was printed already.
func Reported(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Reported
}

// WithCode is what a subcommand that computes its exit code returns: err
// with code (a nil err still exits with code, with nothing more printed).
func WithCode(code int, err error) error {
	var e *Error
	switch {
	case code == ExitOK, errors.As(err, &e):
		return err
	case err == nil:
		return &Error{Code: code, Err: fmt.Errorf("exit status %d", code), Reported: true}
	}
	return &Error{Code: code, Err: err}
}
