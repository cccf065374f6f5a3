package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// reviewPage shows the exact change to the database user (a creation, or the
// difference with the existing user) and the equivalent Atlas CLI command, and
// asks for confirmation. The answer is the request's yes or no.
type reviewPage struct {
	c       *common
	req     steps.ReviewRequest
	choices choices[bool]
}

func newReviewPage(c *common, seq int, r steps.ReviewRequest) *reviewPage {
	labels, values := reviewChoices(r.Action)
	return &reviewPage{c: c, req: r, choices: newChoices(seq, labels, values, 0)}
}

func (p *reviewPage) init() tea.Cmd    { return nil }
func (p *reviewPage) step() steps.Step { return steps.StepUser }
func (p *reviewPage) busy() bool       { return false }

func (p *reviewPage) help() []key.Binding {
	k := p.c.keys
	return append(p.choices.help(k), k.PageDown, k.Back)
}

func (p *reviewPage) update(msg tea.Msg) tea.Cmd { return p.choices.update(p.c.keys, msg) }

func (p *reviewPage) view() string {
	s, w := p.c.styles, p.c.width
	r := p.req
	var title string
	switch r.Action {
	case "create":
		title = "Review: create the database user"
	case "update":
		title = "Review: update the existing database user"
	default:
		title = "Review: the database user is already as wanted"
	}
	lines := []string{s.Title.Render(title), ""}
	lines = append(lines, userLines(s, r.Wanted, w)...)
	if r.Action == "update" && r.Current != nil && len(r.Diff) == 0 {
		now := strings.Join(r.Current.Roles, ", ")
		if len(r.Current.Scopes) > 0 {
			now += "; scope " + strings.Join(r.Current.Scopes, ", ")
		}
		lines = append(lines, wrapHanging(s.Label.Render("Now       "), s.Muted.Render(now), w)...)
	}
	if r.Action == "update" && len(r.Diff) > 0 {
		lines = append(lines, "", s.Title.Render("Changes"))
		for _, d := range r.Diff {
			st := s.Muted
			switch {
			case strings.HasPrefix(d, "+"):
				st = s.OK
			case strings.HasPrefix(d, "-"):
				st = s.Fail
			}
			lines = append(lines, indent(wrapText(st.Render(d), w-2), "  ")...)
		}
	}
	if r.AtlasCLICommand != "" {
		lines = append(lines, "", s.Label.Render("The same with the Atlas CLI:"))
		lines = append(lines, indent(wrapCopyable(r.AtlasCLICommand, w-2), "  ")...)
	}
	return p.choices.view(s, lines, w, p.c.height)
}

// userLines shows a database user's access.
func userLines(s *Styles, u steps.UserView, w int) []string {
	lines := wrapHanging(s.Label.Render("User      "), s.Code.Render(u.Username), w)
	if u.IAMType != "" {
		lines = append(lines, wrapHanging(s.Label.Render("AWS IAM   "), u.IAMType+" in $external", w)...)
	}
	lines = append(lines, wrapHanging(s.Label.Render("Roles     "), strings.Join(u.Roles, ", "), w)...)
	scopes := "all clusters of the project"
	if len(u.Scopes) > 0 {
		scopes = strings.Join(u.Scopes, ", ")
	}
	lines = append(lines, wrapHanging(s.Label.Render("Scope     "), scopes, w)...)
	if u.DeleteAfter != nil {
		lines = append(lines, wrapHanging(s.Label.Render("Expires   "), u.DeleteAfter.UTC().Format("2006-01-02 15:04 UTC"), w)...)
	}
	return lines
}
