package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// principalValidatedMsg is request.Validate's verdict on one input.
type principalValidatedMsg struct {
	seq, attempt int
	input        string
	view         steps.PrincipalView
	err          error
	submit       bool // answer with the view when it is valid
}

// principalChoice is one row of the principal screen.
type principalChoice struct {
	discovered bool
	candidate  *steps.RoleCandidate
	typeARN    bool
}

// principalPage confirms the discovered ARN (showing where it came from and how
// it was normalised), picks one of the candidate roles (workstation mode), or
// takes a typed ARN checked as you type by request.Validate. The answer is the
// discovered view itself or a view returned by request.Validate.
type principalPage struct {
	c       *common
	seq     int
	req     steps.PrincipalRequest
	choices []principalChoice
	cursor  int
	typing  bool
	input   textinput.Model

	attempt    int
	validating bool
	checked    string // the input the verdict below is about
	verdict    *steps.PrincipalView
	err        error
	submit     bool // enter was pressed while a check was running
}

func newPrincipalPage(c *common, seq int, r steps.PrincipalRequest) *principalPage {
	p := &principalPage{c: c, seq: seq, req: r}
	if r.Discovered != nil {
		p.choices = append(p.choices, principalChoice{discovered: true})
	}
	for i := range r.Candidates {
		p.choices = append(p.choices, principalChoice{candidate: &r.Candidates[i]})
	}
	if r.Validate != nil {
		p.choices = append(p.choices, principalChoice{typeARN: true})
	}
	p.input = newInput(c, "arn:aws:iam::123456789012:role/my-app")
	p.typing = len(p.choices) == 1 && p.choices[0].typeARN
	return p
}

func (p *principalPage) init() tea.Cmd {
	p.resize()
	if p.typing {
		return p.input.Focus()
	}
	return nil
}

func (p *principalPage) resize()          { p.input.Width = max(p.c.width-4, 8) }
func (p *principalPage) step() steps.Step { return steps.StepPrincipal }
func (p *principalPage) busy() bool       { return p.validating }

func (p *principalPage) help() []key.Binding {
	k := p.c.keys
	if p.typing {
		return []key.Binding{withHelp(k.Enter, "enter", "use this ARN"), k.Back}
	}
	return []key.Binding{withHelp(k.Up, "↑/↓", "move"), withHelp(k.Enter, "enter", "choose"), k.Back}
}

// validate runs request.Validate off the event loop.
func (p *principalPage) validate(input string, submit bool) tea.Cmd {
	p.attempt++
	p.validating = true
	seq, attempt, fn := p.seq, p.attempt, p.req.Validate
	return func() tea.Msg {
		v, err := fn(input)
		return principalValidatedMsg{seq: seq, attempt: attempt, input: input, view: v, err: err, submit: submit}
	}
}

func (p *principalPage) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.resize()
		return nil
	case principalValidatedMsg:
		if msg.seq != p.seq || msg.attempt != p.attempt {
			return nil
		}
		p.validating = false
		p.checked = msg.input
		p.verdict, p.err = nil, msg.err
		if msg.err == nil {
			v := msg.view
			p.verdict = &v
			if msg.submit || p.submit {
				return answerCmd(p.seq, v, nil)
			}
		}
		p.submit = false
		return nil
	case tea.KeyMsg:
		if p.typing {
			return p.updateTyping(msg)
		}
		switch {
		case key.Matches(msg, k.Back):
			return answerCmd(p.seq, nil, steps.ErrBack)
		case key.Matches(msg, k.Up, k.Prev):
			p.cursor = (p.cursor + len(p.choices) - 1) % max(len(p.choices), 1)
			p.err, p.verdict = nil, nil
		case key.Matches(msg, k.Down, k.Next):
			p.cursor = (p.cursor + 1) % max(len(p.choices), 1)
			p.err, p.verdict = nil, nil
		case key.Matches(msg, k.Enter) && len(p.choices) > 0:
			ch := p.choices[p.cursor]
			switch {
			case ch.discovered:
				return answerCmd(p.seq, *p.req.Discovered, nil)
			case ch.candidate != nil:
				// The engine's Validate turns the role into the view to register.
				return p.validate(ch.candidate.ARN, true)
			case ch.typeARN:
				p.typing = true
				return p.input.Focus()
			}
		}
	}
	return nil
}

func (p *principalPage) updateTyping(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Back):
		if len(p.choices) > 1 {
			p.typing = false
			p.input.Blur()
			p.err, p.verdict, p.submit = nil, nil, false
			p.attempt++ // drop a verdict still on its way
			p.validating = false
			return nil
		}
		return answerCmd(p.seq, nil, steps.ErrBack)
	case key.Matches(msg, k.Enter):
		in := strings.TrimSpace(p.input.Value())
		switch {
		case p.validating:
			p.submit = true
			return nil
		case p.checked == in && p.verdict != nil:
			return answerCmd(p.seq, *p.verdict, nil)
		case p.checked == in && p.err != nil:
			return nil // the reason is already under the field
		default:
			return p.validate(in, true)
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if v := p.input.Value(); v != before {
		p.submit = false
		if strings.TrimSpace(v) == "" {
			p.attempt++
			p.validating, p.verdict, p.err, p.checked = false, nil, nil, ""
			return cmd
		}
		return tea.Batch(cmd, p.validate(strings.TrimSpace(v), false))
	}
	return cmd
}

func (p *principalPage) view() string {
	s, w := p.c.styles, p.c.width
	lines := []string{s.Title.Render("Which IAM principal will log in to Atlas?"), ""}
	if p.req.Note != "" {
		lines = append(lines, wrapHanging(s.Warn.Render("! "), p.req.Note, w)...)
		lines = append(lines, "")
	}
	if p.typing {
		return joinLines(append(lines, p.typingLines()...))
	}
	if d := p.req.Discovered; d != nil {
		lines = append(lines, viewLines(s, *d, w)...)
		lines = append(lines, "")
	}
	rows := p.choiceRows()
	detail := p.detailLines()
	room := max(p.c.height-len(lines)-len(detail)-1, 3)
	start := 0
	if p.cursor >= room {
		start = p.cursor - room + 1
	}
	for i := start; i < len(rows) && i < start+room; i++ {
		lines = append(lines, rows[i]...)
	}
	if len(detail) > 0 {
		lines = append(lines, "")
		lines = append(lines, detail...)
	}
	return joinLines(lines)
}

// choiceRows renders each choice (a row may wrap).
func (p *principalPage) choiceRows() [][]string {
	s, w := p.c.styles, p.c.width
	var rows [][]string
	for i, ch := range p.choices {
		var label string
		switch {
		case ch.discovered:
			label = "Use the discovered principal"
		case ch.candidate != nil:
			c := ch.candidate
			label = "Role " + c.Name
			if c.Path != "" && c.Path != "/" {
				label += " " + s.Muted.Render("(path "+c.Path+")")
			}
			if c.TrustsYou {
				label += " " + s.OK.Render("✓ trusts you")
			}
		case ch.typeARN:
			label = "Type an ARN"
		}
		prefix := "  "
		if i == p.cursor {
			prefix = s.Accent.Render("› ")
			label = s.Selected.Render(ansi.Strip(label))
		}
		rows = append(rows, wrapHanging(prefix, label, w))
	}
	return rows
}

// detailLines shows the focused candidate in full, and any verdict on it.
func (p *principalPage) detailLines() []string {
	s, w := p.c.styles, p.c.width
	var lines []string
	if p.cursor < len(p.choices) {
		if c := p.choices[p.cursor].candidate; c != nil {
			lines = append(lines, wrapHanging(s.Label.Render("ARN        "), c.ARN, w)...)
			if len(c.TrustedBy) > 0 {
				lines = append(lines, wrapHanging(s.Label.Render("Trusted by "), strings.Join(c.TrustedBy, ", "), w)...)
			}
			if c.TrustsYou {
				lines = append(lines, wrapText("Your identity may assume this role, so the live login can test it.", w)...)
			}
		}
	}
	if p.validating {
		lines = append(lines, p.c.spinner()+" checking…")
	}
	lines = append(lines, errorLines(s, p.err, w)...)
	return lines
}

// typingLines is the ARN field with request.Validate's verdict under it.
func (p *principalPage) typingLines() []string {
	s, w := p.c.styles, p.c.width
	lines := []string{"Type the IAM role or user ARN to register:", p.input.View()}
	value := strings.TrimSpace(p.input.Value())
	if ansi.StringWidth(value) > p.input.Width-1 {
		// The field scrolls sideways; show the whole value too.
		lines = append(lines, indent(wrapExact(value, w-2), "  ")...)
	}
	lines = append(lines, "")
	switch {
	case value == "":
		lines = append(lines, s.Muted.Render("For example arn:aws:iam::123456789012:role/my-app"))
	case p.checked != value && p.validating:
		lines = append(lines, p.c.spinner()+" checking…")
	case p.checked == value && p.err != nil:
		lines = append(lines, errorLines(s, p.err, w)...)
	case p.checked == value && p.verdict != nil:
		lines = append(lines, wrapHanging(s.OK.Render("✓ "), "valid", w)...)
		lines = append(lines, viewLines(s, *p.verdict, w)...)
	}
	return lines
}

// viewLines shows a principal: as found, where from, what is registered and why.
func viewLines(s *Styles, v steps.PrincipalView, w int) []string {
	var lines []string
	if v.Input != "" && v.Input != v.ARN {
		lines = append(lines, wrapHanging(s.Label.Render("Found      "), v.Input, w)...)
	}
	if v.Source != "" {
		lines = append(lines, wrapHanging(s.Label.Render("Source     "), v.Source, w)...)
	}
	reg := v.ARN
	if v.Type != "" {
		reg += " (" + v.Type + ")"
	}
	lines = append(lines, wrapHanging(s.Label.Render("Register   "), s.Code.Render(reg), w)...)
	if v.FullRoleARN != "" && v.FullRoleARN != v.ARN {
		lines = append(lines, wrapHanging(s.Label.Render("Role (IAM) "), v.FullRoleARN, w)...)
	}
	for _, c := range v.Changes {
		lines = append(lines, wrapHanging(s.Label.Render("Why        "), c, w)...)
	}
	return lines
}
