package tui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapExactKeepsEveryCharacter(t *testing.T) {
	for _, s := range []string{longMongosh, longConnString, longPathRoleARN, "short", "a b  c   d", "ünïcödé-日本語-arn"} {
		for _, w := range []int{2, 7, 20, 76, 196} { // 2: a wide character needs two cells
			lines := wrapExact(s, w)
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Fatalf("wrapExact(%q, %d): line %q is wider", s, w, l)
				}
			}
			if got := strings.Join(lines, ""); got != s {
				t.Fatalf("wrapExact(%q, %d) joined is %q", s, w, got)
			}
		}
	}
}

func FuzzWrapExact(f *testing.F) {
	for _, s := range []string{longMongosh, longConnString, "x", " leading and trailing "} {
		f.Add(s, 13)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 2 || w > 300 || !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t\x1b") || hasControl(s) {
			t.Skip()
		}
		lines := wrapExact(s, w)
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("line %q wider than %d", l, w)
			}
		}
		if got := strings.Join(lines, ""); got != s {
			t.Fatalf("joined %q, want %q", got, s)
		}
	})
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func TestWrapTextAndHanging(t *testing.T) {
	text := "the session ARN was " + longSessionARN + " and the role " + longPathRoleARN
	for _, w := range []int{20, 40, 76} {
		for _, lines := range [][]string{wrapText(text, w), wrapHanging("Label     ", text, w), wrapHanging("A very long label that eats the line ", text, w)} {
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Fatalf("width %d: line %q is wider", w, l)
				}
			}
			if !strings.Contains(unwrap(strings.Join(lines, "\n")), unwrap(text)) {
				t.Fatalf("width %d: text lost:\n%s", w, strings.Join(lines, "\n"))
			}
		}
	}
	hang := wrapHanging("Label ", "one two three four five six", 16)
	if hang[0] != "Label one two" || hang[1] != "      three four" {
		t.Errorf("hanging indent: %q", hang)
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1200: "1,200", 10000: "10,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := commaInt(n); got != want {
			t.Errorf("commaInt(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{0: "0s", 420 * time.Millisecond: "0.4s", 12 * time.Second: "12s", 125 * time.Second: "2m05s"} {
		if got := fmtElapsed(d); got != want {
			t.Errorf("fmtElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}
