package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// networkPage shows the project's IP access list against this machine's address
// and offers the engine's suggested entry; nothing is added without a yes.
type networkPage struct {
	c       *common
	seq     int
	req     steps.NetworkRequest
	buttons buttons
	values  []bool
	scroll  scroller
}

func newNetworkPage(c *common, seq int, r steps.NetworkRequest) *networkPage {
	p := &networkPage{c: c, seq: seq, req: r}
	p.buttons.labels, p.values, p.buttons.focus = networkChoices(r)
	return p
}

func (p *networkPage) init() tea.Cmd    { return nil }
func (p *networkPage) step() steps.Step { return steps.StepNetwork }
func (p *networkPage) busy() bool       { return false }

func (p *networkPage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Left, "←/→", "choose"), withHelp(k.Enter, "enter", "confirm"), k.Back}
}

func (p *networkPage) update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.c.keys
	switch {
	case key.Matches(km, k.Enter):
		return answerCmd(p.seq, p.values[p.buttons.focus], nil)
	case key.Matches(km, k.Back):
		return answerCmd(p.seq, nil, steps.ErrBack)
	case p.buttons.update(k, km), p.scroll.update(k, km, true):
	}
	return nil
}

func (p *networkPage) view() string {
	s, w := p.c.styles, p.c.width
	r := p.req
	lines := []string{s.Title.Render("Network access"), ""}
	ip := r.CurrentIP
	if ip == "" {
		ip = "unknown"
	}
	lines = append(lines, wrapHanging(s.Label.Render("This machine ")+" ", ip, w)...)
	if r.Allowed {
		lines = append(lines, wrapHanging(s.OK.Render("✓ "), "The project's IP access list allows this address.", w)...)
	} else {
		lines = append(lines, wrapHanging(s.Warn.Render("! "), "The project's IP access list does not include this address, so the live login would time out.", w)...)
		if r.Suggested != "" {
			lines = append(lines, wrapHanging("  ", "Adding "+r.Suggested+" lets this machine connect.", w)...)
		}
	}
	lines = append(lines, "", s.Title.Render("IP access list"))
	if len(r.Entries) == 0 {
		lines = append(lines, s.Muted.Render("  (empty)"))
	}
	for _, e := range r.Entries {
		lines = append(lines, wrapHanging("  · ", e, w)...)
	}
	return p.scroll.render(s, lines, p.buttons.view(s, w), p.c.height)
}
