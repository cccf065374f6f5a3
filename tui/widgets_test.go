package tui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// TestChoicesKeys: the button row every choice screen shares starts on the
// page's default, moves with ←/→ and tab/shift+tab (wrapping at the ends),
// ignores the scroll keys, answers the focused value on enter and goes back
// on esc.
func TestChoicesKeys(t *testing.T) {
	const seq = 7
	for _, c := range []struct {
		name    string
		focus   int
		keys    []tea.KeyType
		want    string
		wantErr error
	}{
		{"enter answers the default", 1, []tea.KeyType{tea.KeyEnter}, "b", nil},
		{"right moves on", 1, []tea.KeyType{tea.KeyRight, tea.KeyEnter}, "c", nil},
		{"right wraps to the first", 2, []tea.KeyType{tea.KeyRight, tea.KeyEnter}, "a", nil},
		{"left wraps to the last", 0, []tea.KeyType{tea.KeyLeft, tea.KeyEnter}, "c", nil},
		{"tab and shift+tab", 0, []tea.KeyType{tea.KeyTab, tea.KeyTab, tea.KeyShiftTab, tea.KeyEnter}, "b", nil},
		{"scrolling keeps the focus", 1, []tea.KeyType{tea.KeyDown, tea.KeyPgDown, tea.KeyUp, tea.KeyEnter}, "b", nil},
		{"esc goes back", 1, []tea.KeyType{tea.KeyRight, tea.KeyEsc}, "", steps.ErrBack},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := newChoices(seq, []string{"A", "B", "C"}, []string{"a", "b", "c"}, c.focus)
			var cmd tea.Cmd
			for i, kt := range c.keys {
				cmd = ch.update(DefaultKeyMap(), tea.KeyMsg{Type: kt})
				if last := i == len(c.keys)-1; (cmd != nil) != last {
					t.Fatalf("key %d (%v): answered %v, want an answer only on the last key", i, kt, cmd != nil)
				}
			}
			a, ok := cmd().(answerMsg)
			if !ok || a.seq != seq {
				t.Fatalf("answer %#v, want an answerMsg for question %d", a, seq)
			}
			if c.wantErr != nil {
				if !errors.Is(a.err, c.wantErr) || a.value != nil {
					t.Fatalf("answer %v, %v; want %v", a.value, a.err, c.wantErr)
				}
				return
			}
			if a.err != nil || a.value != c.want {
				t.Fatalf("answer %v, %v; want %q", a.value, a.err, c.want)
			}
		})
	}
}

// TestChoicesPrompt: a single way on written as a sentence answers its value on
// enter, whatever arrows were pressed, and shows the sentence, not a button.
func TestChoicesPrompt(t *testing.T) {
	ch := newChoices(3, nil, []any{nil}, 0)
	ch.prompt = "Press enter to begin."
	k := DefaultKeyMap()
	for _, kt := range []tea.KeyType{tea.KeyLeft, tea.KeyRight, tea.KeyTab} {
		if cmd := ch.update(k, tea.KeyMsg{Type: kt}); cmd != nil {
			t.Fatalf("%v answered the question", kt)
		}
	}
	if a := ch.update(k, tea.KeyMsg{Type: tea.KeyEnter})().(answerMsg); a.seq != 3 || a.value != nil || a.err != nil {
		t.Fatalf("enter answered %#v", a)
	}
	s := newStyles(newRenderer(nil, true))
	if row := ch.row(s, 40); len(row) != 1 || ansi.Strip(row[0]) != "Press enter to begin." {
		t.Fatalf("row %q", row)
	}
}

// TestChoicesRowWraps: buttons that do not fit side by side go on the next
// line, and the focused one is marked without colour.
func TestChoicesRowWraps(t *testing.T) {
	s := newStyles(newRenderer(nil, true))
	ch := newChoices(1, []string{"Retry", "Pick another project", "Quit"}, []steps.Choice{steps.ChoiceRetry, steps.ChoiceBack, steps.ChoiceQuit}, 1)
	wide := ch.row(s, 80)
	if len(wide) != 1 || !strings.Contains(ansi.Strip(wide[0]), "[ Pick another project ]") {
		t.Fatalf("at 80 cells: %q", wide)
	}
	narrow := ch.row(s, 36)
	if len(narrow) != 2 {
		t.Fatalf("at 36 cells: %q, want two lines", narrow)
	}
	for _, l := range narrow {
		if ansi.StringWidth(l) > 36 {
			t.Errorf("line %q is wider than 36 cells", l)
		}
	}
}
