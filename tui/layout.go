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
// copyable strings are hard-wrapped so that joining the lines gives the string
// back.

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
