package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Width maths goes through x/ansi so styled text and wide characters are
// measured in terminal cells. Nothing that a user may need to copy (an ARN, a
// command, a connection string) is ever truncated: prose is word-wrapped and
// copyable strings are wrapped so that joining the lines gives the string back.

// breakpoints are where long tokens such as ARNs and URLs may wrap, besides spaces.
const breakpoints = "/:&?,=."

// wrapText word-wraps s (which may hold several lines) to width cells; a word
// longer than a line is broken.
func wrapText(s string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		wrapped := ansi.Wrap(para, width, breakpoints)
		for _, l := range strings.Split(wrapped, "\n") {
			// Wrap never exceeds width for text it can break; the hard wrap is a
			// guarantee for anything it could not.
			out = append(out, strings.Split(ansi.Hardwrap(strings.TrimRight(l, " "), width, true), "\n")...)
		}
	}
	return out
}

// wrapHanging wraps s after a first-line prefix; continuation lines are indented
// to line up under the text (a label followed by a long value).
func wrapHanging(prefix, s string, width int) []string {
	pw := ansi.StringWidth(prefix)
	if pw >= width/2 {
		// A long label leaves no room: put the value on its own lines.
		return append(wrapText(prefix, width), indent(wrapText(s, width-2), "  ")...)
	}
	lines := wrapText(s, width-pw)
	pad := strings.Repeat(" ", pw)
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = pad + lines[i]
		}
	}
	return lines
}

// wrapCopyable wraps plain text a user may copy (a command, a connection
// string, code) to width cells without losing a character: the lines joined
// without separators are s again. Lines break at spaces outside quotes, and the
// space stays at the end of the line before the break, so flags and quoted
// values ('atlas-iam: eks') are not split. Only a token wider than a line is
// broken, on a line of its own, where it must (a connection string). s holds
// no escapes.
func wrapCopyable(s string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, wrapPieces(pieces(l, width), width)...)
	}
	return out
}

// piece is a token and the spaces that follow it.
type piece struct{ token, spaces string }

// pieces splits one line into tokens as a shell reads a command: at spaces
// outside quotes. A quoted value wider than the line is split at its own spaces
// after all, so that it breaks between words rather than inside one.
func pieces(s string, width int) []piece {
	var out []piece
	for s != "" {
		var p piece
		p, s = nextPiece(s, true)
		if ansi.StringWidth(p.token) <= width || !strings.Contains(p.token, " ") {
			out = append(out, p)
			continue
		}
		for inner := p.token; inner != ""; {
			var w piece
			w, inner = nextPiece(inner, false)
			out = append(out, w)
		}
		out[len(out)-1].spaces += p.spaces
	}
	return out
}

// nextPiece cuts the first piece off s; with quoted, a space inside '…' or "…"
// does not end the token. A quote without a closing partner on the line (an
// apostrophe in a comment) quotes nothing.
func nextPiece(s string, quoted bool) (piece, string) {
	end := len(s)
scan:
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			end = i
			break scan
		case quoted && (c == '\'' || c == '"'):
			if j := strings.IndexByte(s[i+1:], c); j >= 0 {
				i += j + 1
			}
		}
	}
	token, rest := s[:end], s[end:]
	after := strings.TrimLeft(rest, " ")
	return piece{token: token, spaces: rest[:len(rest)-len(after)]}, after
}

// wrapPieces lays pieces out on lines of width cells.
func wrapPieces(ps []piece, width int) []string {
	var lines []string
	line, used := "", 0
	flush := func() {
		lines = append(lines, line)
		line, used = "", 0
	}
	for _, p := range ps {
		tw := ansi.StringWidth(p.token)
		// A token moves to the next line together with the space after it, so
		// a line never ends inside a token that fits on one.
		if used > 0 && (tw > width || used+tw+len(p.spaces) > width) {
			flush()
		}
		if tw > width {
			parts := wrapExact(p.token, width)
			lines = append(lines, parts[:len(parts)-1]...)
			line = parts[len(parts)-1]
			used = ansi.StringWidth(line)
		} else {
			line += p.token
			used += tw
		}
		// Spaces are kept, not dropped at the break. Those that do not fit start
		// the next line; that happens only after a token as wide as the line or
		// for a run of spaces wider than one.
		for spaces := p.spaces; spaces != ""; {
			if used >= width {
				flush()
			}
			n := min(len(spaces), width-used)
			line += spaces[:n]
			used += n
			spaces = spaces[n:]
		}
	}
	return append(lines, line)
}

// wrapExact hard-wraps s at exactly width cells, keeping every character
// (spaces included), so the lines joined without separators are s again.
func wrapExact(s string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.Split(ansi.Hardwrap(l, width, true), "\n")...)
	}
	return out
}

// indent prefixes every line.
func indent(lines []string, prefix string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// spread puts left and right on one line of width cells; when both do not fit,
// right goes on its own line.
func spread(left, right string, width int) []string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > width {
		return append(wrapText(left, width), wrapText(right, width)...)
	}
	return []string{left + strings.Repeat(" ", width-lw-rw) + right}
}

// fit truncates a label that is not worth wrapping (a project name in a list row)
// to width cells.
func fit(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, max(width, 1), "…")
}

// padTo pads s with spaces to width cells.
func padTo(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// window returns at most height lines of lines starting at offset, clamping the
// offset, and reports the offset used.
func window(lines []string, offset, height int) ([]string, int) {
	if height <= 0 {
		return nil, 0
	}
	if len(lines) <= height {
		return lines, 0
	}
	offset = min(max(offset, 0), len(lines)-height)
	return lines[offset : offset+height], offset
}

// fmtElapsed formats a duration the way people read it: 0.4s, 12s, 2m05s.
func fmtElapsed(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	default:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
}

// commaInt formats n with thousands separators: 10,000.
func commaInt(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commaInt(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// joinLines joins rendered lines.
func joinLines(lines []string) string { return strings.Join(lines, "\n") }
