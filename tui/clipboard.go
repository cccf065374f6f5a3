package tui

import (
	"io"
	"strings"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// copiedMsg reports a copy to the clipboard.
type copiedMsg struct {
	what string
	err  error
}

// copyCmd writes text to the terminal's clipboard with OSC 52 (bubbletea v1 has
// no clipboard API). GNU screen needs the sequence wrapped; tmux accepts the
// plain one when `set-clipboard on`. The terminal gives no confirmation, so
// "copied" means "sent".
func copyCmd(w io.Writer, term, what, text string) tea.Cmd {
	return func() tea.Msg {
		seq := osc52.New(text)
		if strings.HasPrefix(term, "screen") {
			seq = seq.Screen()
		}
		_, err := seq.WriteTo(w)
		return copiedMsg{what: what, err: err}
	}
}

// clipboardHint is shown after a copy where the terminal may drop OSC 52.
func clipboardHint(term string) string {
	if strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return " (in tmux: set -g set-clipboard on)"
	}
	return ""
}
