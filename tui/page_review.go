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
	seq     int
	req     steps.ReviewRequest
	buttons buttons
	values  []bool
	scroll  scroller
}

func newReviewPage(c *common, seq int, r steps.ReviewRequest) *reviewPage {
	p := &reviewPage{c: c, seq: seq, req: r}
	p.buttons.labels, p.values = reviewChoices(r.Action)
	return p
}

func (p *reviewPage) init() tea.Cmd    { return nil }
func (p *reviewPage) step() steps.Step { return steps.StepUser }
func (p *reviewPage) busy() bool       { return false }

func (p *reviewPage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Left, "←/→", "choose"), withHelp(k.Enter, "enter", "confirm"), k.PageDown, k.Back}
}

func (p *reviewPage) update(msg tea.Msg) tea.Cmd {
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
		lines = append(lines, indent(wrapExact(r.AtlasCLICommand, w-2), "  ")...)
	}
	return p.scroll.render(s, lines, p.buttons.view(s, w), p.c.height)
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
