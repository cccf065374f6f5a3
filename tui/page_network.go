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
	req     steps.NetworkRequest
	choices choices[bool]
}

func newNetworkPage(c *common, seq int, r steps.NetworkRequest) *networkPage {
	labels, values, focus := networkChoices(r)
	return &networkPage{c: c, req: r, choices: newChoices(seq, labels, values, focus)}
}

func (p *networkPage) init() tea.Cmd    { return nil }
func (p *networkPage) step() steps.Step { return steps.StepNetwork }
func (p *networkPage) busy() bool       { return false }

func (p *networkPage) help() []key.Binding {
	return append(p.choices.help(p.c.keys), p.c.keys.Back)
}

func (p *networkPage) update(msg tea.Msg) tea.Cmd { return p.choices.update(p.c.keys, msg) }

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
	return p.choices.view(s, lines, w, p.c.height)
}
