package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// failurePage shows a diagnosis (cause, evidence, fix) and offers exactly the
// choices the request allows: retry when CanRetry, back when CanBack, always quit.
// An LDAP_AUTHORIZATION diagnosis is the "blocked" screen: the project cannot
// have IAM users, and the way out is another project.
type failurePage struct {
	c       *common
	seq     int
	req     steps.FailureRequest
	buttons buttons
	values  []steps.Choice
	scroll  scroller
}

func newFailurePage(c *common, seq int, r steps.FailureRequest) *failurePage {
	p := &failurePage{c: c, seq: seq, req: r}
	p.buttons.labels, p.values = failureChoices(r)
	return p
}

func (p *failurePage) blocked() bool { return isBlocked(p.req.Diagnosis) }

func (p *failurePage) init() tea.Cmd { return nil }
func (p *failurePage) busy() bool    { return false }

func (p *failurePage) step() steps.Step {
	if p.req.Step == "" && p.blocked() {
		return steps.StepLDAP
	}
	return p.req.Step
}

func (p *failurePage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Left, "←/→", "choose"), withHelp(k.Enter, "enter", "confirm"), k.PageDown, k.Back}
}

func (p *failurePage) update(msg tea.Msg) tea.Cmd {
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

func (p *failurePage) view() string {
	s, w := p.c.styles, p.c.width
	d := p.req.Diagnosis
	if d == nil {
		d = diag.New("", "The step failed.")
	}
	var lines []string
	if p.blocked() {
		lines = append(lines, s.Fail.Render("✗ ")+s.Title.Render("Blocked: this project uses LDAP authorization"), "")
		lines = append(lines, wrapText("Atlas does not let AWS IAM database users work in a project where LDAP "+
			"authorization is enabled. Nothing was changed.", w)...)
		lines = append(lines, "")
	} else {
		lines = append(lines, s.Fail.Render("✗ ")+s.Title.Render(stepName(p.req.Step)+" failed"), "")
	}
	code := ""
	if d.Code != "" {
		code = s.Muted.Render(string(d.Code)) + " "
	}
	lines = append(lines, wrapHanging(s.Label.Render("Cause     "), code+d.Summary, w)...)
	if len(d.Evidence) > 0 {
		lines = append(lines, "", s.Title.Render("What shows it"))
		for _, e := range d.Evidence {
			lines = append(lines, wrapHanging("  · ", e, w)...)
		}
	}
	if len(d.Fix) > 0 {
		lines = append(lines, "", s.Title.Render("How to fix it"))
		for _, f := range d.Fix {
			lines = append(lines, wrapHanging("  → ", f, w)...)
		}
	}
	return p.scroll.render(s, lines, p.buttons.view(s, w), p.c.height)
}
