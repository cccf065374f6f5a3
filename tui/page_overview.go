package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// overviewPage is the start screen: what the engine found (Atlas and AWS
// credentials with their sources, the detected platform and its evidence) and the
// plan. Enter begins: the one way on, so the row is a sentence, not a button.
type overviewPage struct {
	c       *common
	o       steps.Overview
	choices choices[any]
}

func newOverviewPage(c *common, seq int, o steps.Overview) *overviewPage {
	ch := newChoices(seq, nil, []any{nil}, 0) // Begin takes no value
	ch.prompt = "Press enter to begin."
	return &overviewPage{c: c, o: o, choices: ch}
}

func (p *overviewPage) init() tea.Cmd    { return nil }
func (p *overviewPage) step() steps.Step { return "" }
func (p *overviewPage) busy() bool       { return false }

func (p *overviewPage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Enter, "enter", "begin"), k.PageDown, k.Back}
}

func (p *overviewPage) update(msg tea.Msg) tea.Cmd { return p.choices.update(p.c.keys, msg) }

func (p *overviewPage) view() string {
	s, w := p.c.styles, p.c.width
	lines := []string{s.Title.Render("Set up MongoDB Atlas access with AWS IAM"), ""}
	lines = append(lines, foundLines(s, "Atlas    ", p.o.Atlas, w)...)
	lines = append(lines, foundLines(s, "AWS      ", p.o.AWS, w)...)

	g := p.o.Platform
	title := g.Title
	if title == "" {
		title = g.Platform
	}
	if title == "" {
		title = "not detected"
	}
	lines = append(lines, wrapHanging(s.Label.Render("Platform ")+" ", title, w)...)
	for _, e := range g.Evidence {
		lines = append(lines, wrapHanging("           · ", e, w)...)
	}
	if len(p.o.Plan) > 0 {
		lines = append(lines, "", s.Title.Render("The plan"))
		for i, step := range p.o.Plan {
			lines = append(lines, wrapHanging(fmt.Sprintf("  %d. ", i+1), step, w)...)
		}
	}
	return p.choices.view(s, lines, w, p.c.height)
}

// foundLines renders one discovered thing: status, detail, source and notes.
func foundLines(s *Styles, label string, f steps.Found, w int) []string {
	icon := s.OK.Render("✓")
	detail := f.Detail
	if !f.OK {
		icon = s.Warn.Render("!")
		if detail == "" {
			detail = "not found"
		}
	}
	lines := wrapHanging(s.Label.Render(label)+" "+icon+" ", detail, w)
	const pad = "            " // under the detail: label, space, icon, space
	if f.Source != "" {
		lines = append(lines, wrapHanging(pad+s.Muted.Render("from ")+"", f.Source, w)...)
	}
	for _, n := range f.Notes {
		lines = append(lines, wrapHanging(pad+"· ", n, w)...)
	}
	return lines
}
