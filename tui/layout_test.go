package tui

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// copyWrappers are the wrappings of copyable text: joining their lines must
// give the text back, whatever the width.
var copyWrappers = []struct {
	name string
	wrap func(string, int) []string
}{{"wrapExact", wrapExact}, {"wrapCopyable", wrapCopyable}}

func TestWrapExactKeepsEveryCharacter(t *testing.T) {
	for _, s := range []string{longMongosh, longConnString, longPathRoleARN, longAtlasCLI, "short", "a b  c   d", "ünïcödé-日本語-arn",
		"   leading", "trailing   ", "say 'one two' and \"three  four\"", "it's an apostrophe", "one " + strings.Repeat("x", 30) + " two"} {
		for _, w := range []int{2, 7, 20, 76, 196} { // 2: a wide character needs two cells
			for _, c := range copyWrappers {
				lines := c.wrap(s, w)
				for _, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%s(%q, %d): line %q is wider", c.name, s, w, l)
					}
				}
				if got := strings.Join(lines, ""); got != s {
					t.Fatalf("%s(%q, %d) joined is %q", c.name, s, w, got)
				}
			}
			checkTokensWhole(t, s, wrapCopyable(s, w), w)
		}
	}
}

// TestWrapCopyable: commands break at spaces outside quotes, keeping the space
// at the end of the line; only a token wider than the line is broken, on a line
// of its own.
func TestWrapCopyable(t *testing.T) {
	for _, c := range []struct {
		name  string
		s     string
		width int
		want  []string
	}{
		{"flags stay whole", "atlas dbusers create --role readWrite@app --description 'atlas-iam: eks' --projectId 65a1b2c3", 40,
			[]string{"atlas dbusers create --role ", "readWrite@app --description ", "'atlas-iam: eks' --projectId 65a1b2c3"}},
		{"a quoted value moves as one", "--description 'atlas-iam: eks' --x", 20,
			[]string{"--description ", "'atlas-iam: eks' --x"}},
		{"a quoted value wider than the line breaks at its spaces", "echo 'one two three four' done", 12,
			[]string{"echo 'one ", "two three ", "four' done"}},
		{"a long token starts its own line", "mongosh mongodb://host.example.net/?authSource=%24external --apiVersion 1", 20,
			[]string{"mongosh ", "mongodb://host.examp", "le.net/?authSource=%", "24external ", "--apiVersion 1"}},
		{"no spaces: exact", "mongodb://host.example.net/?a=b", 10,
			[]string{"mongodb://", "host.examp", "le.net/?a=", "b"}},
		{"an unclosed quote quotes nothing", "it's a snippet comment", 10,
			[]string{"it's a ", "snippet ", "comment"}},
		{"lines of code", "func main() {\n\tprintln(\"hi\")\n}", 80,
			[]string{"func main() {", "\tprintln(\"hi\")", "}"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := wrapCopyable(c.s, c.width); !slices.Equal(got, c.want) {
				t.Errorf("wrapCopyable(%q, %d)\n got %q\nwant %q", c.s, c.width, got, c.want)
			}
		})
	}
}

func FuzzWrapExact(f *testing.F) {
	for _, s := range []string{longMongosh, longConnString, longAtlasCLI, "x", " leading and trailing ", "a 'b c' \"d  e\" f's"} {
		f.Add(s, 13)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 2 || w > 300 || !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t\x1b") || hasControl(s) {
			t.Skip()
		}
		for _, c := range copyWrappers {
			lines := c.wrap(s, w)
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Fatalf("%s: line %q wider than %d", c.name, l, w)
				}
			}
			if got := strings.Join(lines, ""); got != s {
				t.Fatalf("%s: joined %q, want %q", c.name, got, s)
			}
		}
		checkTokensWhole(t, s, wrapCopyable(s, w), w)
	})
}

// checkTokensWhole fails when a word of the one-line s (a run without spaces)
// that fits in w cells is split across lines.
func checkTokensWhole(t *testing.T, s string, lines []string, w int) {
	t.Helper()
	var ends []int // ends[i]: the byte offset in s where line i ends
	off := 0
	for _, l := range lines {
		off += len(l)
		ends = append(ends, off)
	}
	lineOf := func(pos int) int { i, _ := slices.BinarySearch(ends, pos+1); return i }
	for start := 0; start < len(s); {
		if s[start] == ' ' {
			start++
			continue
		}
		end := start + strings.IndexByte(s[start:]+" ", ' ')
		if ansi.StringWidth(s[start:end]) <= w && lineOf(start) != lineOf(end-1) {
			t.Fatalf("wrapCopyable(%q, %d) splits %q, which fits on a line: %q", s, w, s[start:end], lines)
		}
		start = end
	}
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
