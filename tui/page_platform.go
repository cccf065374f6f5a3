package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// platformPage picks where the application runs among the engine's options, the
// detected one preselected; the focused option shows its checklist.
type platformPage struct {
	c      *common
	seq    int
	req    steps.PlatformRequest
	cursor int
}

func newPlatformPage(c *common, seq int, r steps.PlatformRequest) *platformPage {
	p := &platformPage{c: c, seq: seq, req: r}
	for i, o := range r.Options {
		if o.ID == r.Detected {
			p.cursor = i
		}
	}
	return p
}

func (p *platformPage) init() tea.Cmd    { return nil }
func (p *platformPage) step() steps.Step { return steps.StepPlatform }
func (p *platformPage) busy() bool       { return false }

func (p *platformPage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Up, "↑/↓", "move"), withHelp(k.Enter, "enter", "choose"), k.Back}
}

func (p *platformPage) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok || len(p.req.Options) == 0 {
		if ok && key.Matches(km, p.c.keys.Back) {
			return answerCmd(p.seq, nil, steps.ErrBack)
		}
		return nil
	}
	k := p.c.keys
	switch {
	case key.Matches(km, k.Up, k.Prev):
		p.cursor = (p.cursor + len(p.req.Options) - 1) % len(p.req.Options)
	case key.Matches(km, k.Down, k.Next):
		p.cursor = (p.cursor + 1) % len(p.req.Options)
	case key.Matches(km, k.Enter):
		return answerCmd(p.seq, p.req.Options[p.cursor].ID, nil)
	case key.Matches(km, k.Back):
		return answerCmd(p.seq, nil, steps.ErrBack)
	}
	return nil
}

func (p *platformPage) view() string {
	s, w := p.c.styles, p.c.width
	lines := []string{s.Title.Render("Where does the application run?"), ""}
	var detected string
	for _, o := range p.req.Options {
		if o.ID == p.req.Detected {
			detected = o.Title
		}
	}
	if detected != "" {
		lines = append(lines, wrapHanging(s.Label.Render("Detected ")+" ", detected, w)...)
		for _, e := range p.req.Evidence {
			lines = append(lines, wrapHanging("           · ", e, w)...)
		}
	} else {
		lines = append(lines, s.Muted.Render("No platform was detected here; choose where the application will run."))
	}
	lines = append(lines, "")
	for i, o := range p.req.Options {
		label := o.Title
		if o.ID == p.req.Detected {
			label += s.Muted.Render(" (detected)")
		}
		if i == p.cursor {
			lines = append(lines, wrapHanging(s.Accent.Render("› "), s.Selected.Render(label), w)...)
		} else {
			lines = append(lines, wrapHanging("  ", label, w)...)
		}
	}
	if len(p.req.Options) > 0 {
		o := p.req.Options[p.cursor]
		if len(o.Checklist) > 0 {
			lines = append(lines, "", s.Title.Render("Checklist for "+o.Title))
			for _, item := range o.Checklist {
				lines = append(lines, wrapHanging("  □ ", item, w)...)
			}
		}
	}
	lines, _ = window(lines, 0, p.c.height)
	return joinLines(lines)
}
