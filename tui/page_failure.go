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
	req     steps.FailureRequest
	choices choices[steps.Choice]
}

func newFailurePage(c *common, seq int, r steps.FailureRequest) *failurePage {
	labels, values := failureChoices(r)
	return &failurePage{c: c, req: r, choices: newChoices(seq, labels, values, 0)}
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
	return append(p.choices.help(k), k.PageDown, k.Back)
}

func (p *failurePage) update(msg tea.Msg) tea.Cmd { return p.choices.update(p.c.keys, msg) }

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
	return p.choices.view(s, lines, w, p.c.height)
}
