package tui

import (
	"errors"
	"fmt"
	"io"

	"github.com/charmbracelet/x/term"
)

// ErrNotTerminal means the wizard cannot run because a stream it needs is not a
// terminal. The message tells the user what to do instead.
var ErrNotTerminal = errors.New("the interactive wizard needs a terminal; " +
	"run `atlas-iam setup --yes` with flags for a headless setup, or add --accessible for plain line prompts")

// IsTerminal reports whether f (an *os.File or anything with an Fd) is a terminal.
func IsTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(fd.Fd())
}

// RequireTerminal returns an error wrapping ErrNotTerminal unless both in and out
// are terminals.
func RequireTerminal(in io.Reader, out io.Writer) error {
	if !IsTerminal(in) {
		return fmt.Errorf("%w (input is not a terminal)", ErrNotTerminal)
	}
	if !IsTerminal(out) {
		return fmt.Errorf("%w (output is not a terminal)", ErrNotTerminal)
	}
	return nil
}
