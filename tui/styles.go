package tui

import (
	"io"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles is every style the wizard uses, bound to one renderer so the colour
// profile follows the UI's output (stderr), not stdout. Colours are the basic
// ANSI ones, readable on dark and light backgrounds; there is no AdaptiveColor,
// because that would make termenv query the terminal's background at startup.
// Meaning never depends on colour alone: every state also has a symbol or word.
type Styles struct {
	App         lipgloss.Style // the product name in the header
	HeaderStep  lipgloss.Style // "Step 4 of 11 · Platform"
	Title       lipgloss.Style // a screen's title
	Label       lipgloss.Style // "Source", "ARN"
	Muted       lipgloss.Style // secondary text
	Accent      lipgloss.Style // highlighted values
	OK          lipgloss.Style
	Warn        lipgloss.Style
	Fail        lipgloss.Style
	Unknown     lipgloss.Style
	Selected    lipgloss.Style // the focused list row
	Code        lipgloss.Style // commands, ARNs, connection strings
	Button      lipgloss.Style
	ButtonFocus lipgloss.Style
	Tab         lipgloss.Style
	TabActive   lipgloss.Style
	Status      lipgloss.Style // the "copied" line
	Help        help.Styles

	InputPrompt lipgloss.Style
	InputText   lipgloss.Style
	Placeholder lipgloss.Style
	Cursor      lipgloss.Style
}

// newRenderer binds lipgloss to the UI's output; noColor forces plain text.
func newRenderer(out io.Writer, noColor bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(out)
	applyNoColor(r, noColor)
	return r
}

// applyNoColor forces plain text (no colour, no attributes) when asked. Without
// it the renderer follows the output: NO_COLOR, CLICOLOR and TERM.
func applyNoColor(r *lipgloss.Renderer, noColor bool) {
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
}

// newStyles builds the styles on renderer r.
func newStyles(r *lipgloss.Renderer) *Styles {
	var (
		cyan   = lipgloss.Color("6")
		green  = lipgloss.Color("2")
		yellow = lipgloss.Color("3")
		red    = lipgloss.Color("1")
		grey   = lipgloss.Color("8")
		purple = lipgloss.Color("5")
	)
	s := r.NewStyle
	st := &Styles{
		App:         s().Bold(true).Foreground(purple),
		HeaderStep:  s().Foreground(cyan),
		Title:       s().Bold(true),
		Label:       s().Foreground(grey),
		Muted:       s().Foreground(grey),
		Accent:      s().Foreground(cyan),
		OK:          s().Foreground(green),
		Warn:        s().Foreground(yellow),
		Fail:        s().Foreground(red),
		Unknown:     s().Foreground(yellow),
		Selected:    s().Bold(true).Foreground(cyan),
		Code:        s().Foreground(cyan),
		Button:      s().Foreground(grey),
		ButtonFocus: s().Bold(true).Foreground(cyan),
		Tab:         s().Foreground(grey),
		TabActive:   s().Bold(true).Foreground(cyan).Underline(true),
		Status:      s().Foreground(green),
		InputPrompt: s().Foreground(cyan),
		InputText:   s(),
		Placeholder: s().Foreground(grey),
		Cursor:      s().Reverse(true),
	}
	keyStyle := s().Foreground(cyan)
	descStyle := s().Foreground(grey)
	st.Help = help.Styles{
		ShortKey:       keyStyle,
		ShortDesc:      descStyle,
		ShortSeparator: descStyle,
		Ellipsis:       descStyle,
		FullKey:        keyStyle,
		FullDesc:       descStyle,
		FullSeparator:  descStyle,
	}
	return st
}

// styleInput applies the wizard's styles to a text input. bubbles' defaults are
// bound to lipgloss's global renderer (stdout), so every style is replaced.
func (s *Styles) styleInput(ti *textinput.Model) {
	ti.PromptStyle = s.InputPrompt
	ti.TextStyle = s.InputText
	ti.PlaceholderStyle = s.Placeholder
	ti.CompletionStyle = s.Placeholder
	ti.Cursor.Style = s.Cursor
	ti.Cursor.TextStyle = s.InputText
}
