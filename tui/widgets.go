package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// buttons is a row of choices (Apply / Cancel, Retry / Back / Quit). The values
// are the request's own options; the row only moves focus among them.
type buttons struct {
	labels []string
	focus  int
}

// update moves the focus with ←/→ and tab; it reports whether it used the key.
func (b *buttons) update(k *KeyMap, msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, k.Left, k.Prev):
		b.focus = (b.focus + len(b.labels) - 1) % len(b.labels)
	case key.Matches(msg, k.Right, k.Next):
		b.focus = (b.focus + 1) % len(b.labels)
	default:
		return false
	}
	return true
}

// view lays the buttons out, wrapping the row when it is wider than width.
func (b *buttons) view(s *Styles, width int) []string {
	var lines []string
	line := ""
	for i, l := range b.labels {
		var btn string
		if i == b.focus {
			btn = s.ButtonFocus.Render("[ " + l + " ]")
		} else {
			btn = s.Button.Render("  " + l + "  ")
		}
		switch {
		case line == "":
			line = btn
		case ansi.StringWidth(line)+1+ansi.StringWidth(btn) > width:
			lines = append(lines, line)
			line = btn
		default:
			line += " " + btn
		}
	}
	return append(lines, line)
}

// scroller shows content taller than the body a window at a time, above a
// footer (buttons) that always stays visible.
type scroller struct{ offset int }

// update scrolls with pgup/pgdn (and ↑/↓ when arrows is true); it reports
// whether it used the key.
func (sc *scroller) update(k *KeyMap, msg tea.KeyMsg, arrows bool) bool {
	switch {
	case key.Matches(msg, k.PageUp):
		sc.offset -= 10
	case key.Matches(msg, k.PageDown):
		sc.offset += 10
	case arrows && key.Matches(msg, k.Up):
		sc.offset--
	case arrows && key.Matches(msg, k.Down):
		sc.offset++
	default:
		return false
	}
	sc.offset = max(sc.offset, 0)
	return true
}

// render returns content and footer within height lines.
func (sc *scroller) render(s *Styles, content, footer []string, height int) string {
	room := height - len(footer)
	if len(footer) > 0 {
		room-- // a blank line above the footer
	}
	var lines []string
	if len(content) <= room {
		lines = content
		sc.offset = 0
	} else {
		room = max(room-1, 1) // the "more" line
		var off int
		lines, off = window(content, sc.offset, room)
		sc.offset = off
		var more []string
		if off > 0 {
			more = append(more, "↑ pgup")
		}
		if off+room < len(content) {
			more = append(more, "↓ pgdn")
		}
		lines = append(append([]string(nil), lines...), s.Muted.Render("  "+strings.Join(more, "  ")+" for more"))
	}
	if len(footer) > 0 {
		for len(lines) < height-len(footer)-1 {
			lines = append(lines, "")
		}
		lines = append(lines, "")
		lines = append(lines, footer...)
	}
	return strings.Join(lines, "\n")
}

// errorLines renders an error for the user; a diagnosis shows its summary and fix.
func errorLines(s *Styles, err error, width int) []string {
	if err == nil {
		return nil
	}
	if d := asDiagnosis(err); d != nil {
		lines := wrapHanging(s.Fail.Render("✗ "), d.Summary, width)
		for _, e := range d.Evidence {
			lines = append(lines, wrapHanging("  · ", e, width)...)
		}
		for _, f := range d.Fix {
			lines = append(lines, wrapHanging("  → ", f, width)...)
		}
		return lines
	}
	return wrapHanging(s.Fail.Render("✗ "), err.Error(), width)
}
