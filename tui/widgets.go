package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// choices is the row of buttons that ends a screen (Create the user / Don't
// create, Retry / Back / Quit) under content that scrolls while the row stays
// in view. A page says only what it offers: the labels, the value each one
// answers and the one focused first. ←/→ (tab, shift+tab) move the focus, enter
// answers the question seq with the focused value, esc goes back, pgup/pgdn and
// ↑/↓ scroll the content.
type choices[T any] struct {
	seq    int
	labels []string
	values []T
	focus  int
	// prompt replaces the buttons where there is one way on and a sentence says
	// it better ("Press enter to begin.").
	prompt string
	scroll scroller
}

func newChoices[T any](seq int, labels []string, values []T, focus int) choices[T] {
	return choices[T]{seq: seq, labels: labels, values: values, focus: focus}
}

// update handles a key: the row's own, else scrolling the content. Other
// messages are not the row's.
func (b *choices[T]) update(k *KeyMap, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	n := len(b.values)
	switch {
	case key.Matches(km, k.Enter) && n > 0:
		return answerCmd(b.seq, b.values[b.focus], nil)
	case key.Matches(km, k.Back):
		return answerCmd(b.seq, nil, steps.ErrBack)
	case key.Matches(km, k.Left, k.Prev) && n > 0:
		b.focus = (b.focus + n - 1) % n
	case key.Matches(km, k.Right, k.Next) && n > 0:
		b.focus = (b.focus + 1) % n
	default:
		b.scroll.update(k, km, true)
	}
	return nil
}

// help is the row's keys; the page adds scrolling and esc where it shows them.
func (b *choices[T]) help(k *KeyMap) []key.Binding {
	return []key.Binding{withHelp(k.Left, "←/→", "choose"), withHelp(k.Enter, "enter", "confirm")}
}

// view renders content above the row within width × height.
func (b *choices[T]) view(s *Styles, content []string, width, height int) string {
	return b.scroll.render(s, content, b.row(s, width), height)
}

// row lays the buttons out, wrapping the row when it is wider than width.
func (b *choices[T]) row(s *Styles, width int) []string {
	if b.prompt != "" {
		return []string{s.Accent.Render(b.prompt)}
	}
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
