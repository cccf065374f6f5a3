package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// accessValidatedMsg is request.Validate's verdict on a list of roles.
type accessValidatedMsg struct {
	seq, attempt int
	access       steps.Access
	err          error
}

// accessRole is one row of the role catalogue.
type accessRole struct {
	grant       string // what is added to the field: "readWrite@app", "read@", "myCustomRole"
	name        string
	description string
	suggested   bool
	current     bool
	custom      bool
}

// Focus areas of the access screen, in tab order.
const (
	accessFocusRoles = iota
	accessFocusCatalogue
	accessFocusCluster // only when there is more than one deployment to choose from
	accessFocusScope
	accessFocusCount
)

// accessPage edits the roles (ROLE@DB[.COLL], comma-separated), the target
// deployment (one of request.Clusters, the preselected one first) and the scope.
// The field starts with the engine's least-privilege suggestion; the catalogue
// lists the suggestion first, then the existing user's roles, built-in and
// custom roles; enter submits the field through request.Validate.
type accessPage struct {
	c         *common
	seq       int
	req       steps.AccessRequest
	input     textinput.Model
	catalogue []accessRole
	cursor    int
	focus     int
	cluster   int // index in req.Clusters
	scope     bool

	attempt    int
	validating bool
	err        error
}

func newAccessPage(c *common, seq int, r steps.AccessRequest) *accessPage {
	p := &accessPage{c: c, seq: seq, req: r, scope: r.Scope}
	p.input = newInput(c, "readWrite@mydb")
	p.input.SetValue(strings.Join(r.Suggested, ", "))
	p.input.CursorEnd()
	for i, c := range r.Clusters {
		if c.Name == r.Cluster {
			p.cluster = i
		}
	}
	for _, g := range r.Suggested {
		p.catalogue = append(p.catalogue, accessRole{grant: g, name: g, description: "least privilege for this setup", suggested: true})
	}
	for _, g := range r.Current {
		p.catalogue = append(p.catalogue, accessRole{grant: g, name: g, description: "the existing user has it", current: true})
	}
	for _, ro := range r.BuiltIn {
		p.catalogue = append(p.catalogue, accessRole{grant: ro.Name + "@", name: ro.Name, description: ro.Description})
	}
	for _, ro := range r.Custom {
		p.catalogue = append(p.catalogue, accessRole{grant: ro.Name, name: ro.Name, description: ro.Description, custom: true})
	}
	return p
}

func (p *accessPage) init() tea.Cmd {
	p.resize()
	return p.input.Focus()
}

func (p *accessPage) resize()          { p.input.Width = max(p.c.width-4, 8) }
func (p *accessPage) step() steps.Step { return steps.StepAccess }
func (p *accessPage) busy() bool       { return p.validating }

func (p *accessPage) help() []key.Binding {
	k := p.c.keys
	keys := []key.Binding{withHelp(k.Next, "tab", "next part")}
	switch p.focus {
	case accessFocusCluster:
		keys = append(keys, withHelp(k.Left, "←/→", "deployment"), withHelp(k.Enter, "enter", "continue"))
	case accessFocusRoles:
		keys = append(keys, withHelp(k.Enter, "enter", "continue"))
	case accessFocusCatalogue:
		keys = append(keys, withHelp(k.Up, "↑/↓", "move"), withHelp(k.Enter, "enter", "add role"))
	case accessFocusScope:
		keys = append(keys, withHelp(k.Toggle, "space", "toggle"), withHelp(k.Enter, "enter", "continue"))
	}
	return append(keys, k.Back)
}

// roles splits the field into role grants.
func (p *accessPage) roles() []string {
	var roles []string
	for _, f := range strings.FieldsFunc(p.input.Value(), func(r rune) bool { return r == ',' || r == ' ' }) {
		if f = strings.TrimSpace(f); f != "" {
			roles = append(roles, f)
		}
	}
	return roles
}

// submit checks the roles with the engine's Validate, off the event loop.
func (p *accessPage) submit() tea.Cmd {
	p.attempt++
	p.validating, p.err = true, nil
	a := steps.Access{Roles: p.roles(), Cluster: p.targetCluster(), Scope: p.scope}
	seq, attempt, fn := p.seq, p.attempt, p.req.Validate
	return func() tea.Msg {
		var err error
		if fn != nil {
			err = fn(a.Roles)
		}
		return accessValidatedMsg{seq: seq, attempt: attempt, access: a, err: err}
	}
}

// targetCluster is the chosen deployment, or the request's own when it offers
// no list.
func (p *accessPage) targetCluster() string {
	if len(p.req.Clusters) == 0 {
		return p.req.Cluster
	}
	return p.req.Clusters[p.cluster].Name
}

// setFocus moves to area f, stepping over the deployment chooser when there is
// nothing to choose; dir is the direction of travel (+1 or -1).
func (p *accessPage) setFocus(f int) tea.Cmd {
	dir := 1
	if f < p.focus {
		dir = -1
	}
	f = (f + accessFocusCount) % accessFocusCount
	if f == accessFocusCluster && len(p.req.Clusters) < 2 {
		f = (f + dir + accessFocusCount) % accessFocusCount
	}
	p.focus = f
	if p.focus == accessFocusRoles {
		return p.input.Focus()
	}
	p.input.Blur()
	return nil
}

// add appends the focused catalogue role to the field and returns to it so the
// user can type the database where one is needed.
func (p *accessPage) add() tea.Cmd {
	if p.cursor >= len(p.catalogue) {
		return nil
	}
	v := strings.TrimRight(strings.TrimSpace(p.input.Value()), ",")
	if v != "" {
		v += ", "
	}
	p.input.SetValue(v + p.catalogue[p.cursor].grant)
	p.input.CursorEnd()
	p.err = nil
	return p.setFocus(accessFocusRoles)
}

func (p *accessPage) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.resize()
		return nil
	case accessValidatedMsg:
		if msg.seq != p.seq || msg.attempt != p.attempt {
			return nil
		}
		p.validating = false
		if msg.err != nil {
			p.err = msg.err
			return p.setFocus(accessFocusRoles)
		}
		return answerCmd(p.seq, msg.access, nil)
	case tea.KeyMsg:
		if p.validating {
			return nil
		}
		switch {
		case key.Matches(msg, k.Back):
			return answerCmd(p.seq, nil, steps.ErrBack)
		case key.Matches(msg, k.Next):
			return p.setFocus(p.focus + 1)
		case key.Matches(msg, k.Prev):
			return p.setFocus(p.focus - 1)
		}
		switch p.focus {
		case accessFocusCatalogue:
			switch {
			case key.Matches(msg, k.Up) && p.cursor == 0:
				return p.setFocus(accessFocusRoles)
			case key.Matches(msg, k.Up):
				p.cursor--
			case key.Matches(msg, k.Down):
				p.cursor = min(p.cursor+1, max(len(p.catalogue)-1, 0))
			case key.Matches(msg, k.Enter, k.Toggle):
				return p.add()
			}
			return nil
		case accessFocusCluster:
			n := len(p.req.Clusters)
			switch {
			case key.Matches(msg, k.Left):
				p.cluster = (p.cluster + n - 1) % n
			case key.Matches(msg, k.Right, k.Toggle):
				p.cluster = (p.cluster + 1) % n
			case key.Matches(msg, k.Enter):
				return p.submit()
			case key.Matches(msg, k.Up):
				return p.setFocus(accessFocusCatalogue)
			case key.Matches(msg, k.Down):
				return p.setFocus(accessFocusScope)
			}
			return nil
		case accessFocusScope:
			switch {
			case key.Matches(msg, k.Toggle):
				p.scope = !p.scope
			case key.Matches(msg, k.Enter):
				return p.submit()
			case key.Matches(msg, k.Up):
				return p.setFocus(accessFocusScope - 1)
			}
			return nil
		case accessFocusRoles:
			switch {
			case key.Matches(msg, k.Enter):
				return p.submit()
			case key.Matches(msg, k.Down):
				return p.setFocus(accessFocusCatalogue)
			}
		}
	}
	if p.focus != accessFocusRoles {
		return nil
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.err = nil
	}
	return cmd
}

// nameWidth is the width of the catalogue's name column: the longest name, so
// that every row's description starts in the same column, but at most a third
// of the line (24 cells at 80 columns) so the descriptions keep their room.
func (p *accessPage) nameWidth() int {
	longest := 0
	for _, r := range p.catalogue {
		longest = max(longest, ansi.StringWidth(r.name))
	}
	return min(longest, max((p.c.width-2)/3, 12))
}

// about is the catalogue row's second column: why the role is listed, when it
// is not simply a built-in, then what it allows.
func (r accessRole) about(s *Styles) string {
	var tag string
	switch {
	case r.suggested:
		tag = "suggested"
	case r.current:
		tag = "current"
	case r.custom:
		tag = "custom"
	}
	switch {
	case r.description == "":
		return tag
	case tag == "":
		return s.Muted.Render(r.description)
	}
	return tag + s.Muted.Render(" · "+r.description)
}

func (p *accessPage) view() string {
	s, w := p.c.styles, p.c.width
	lines := []string{s.Title.Render("Database access for the user"), ""}
	if len(p.req.Current) > 0 {
		lines = append(lines, wrapHanging(s.Label.Render("The user has now ")+" ", strings.Join(p.req.Current, ", "), w)...)
	}
	lines = append(lines, wrapText("Roles as ROLE@DB or ROLE@DB.COLLECTION, separated by commas:", w)...)
	lines = append(lines, p.input.View())
	if v := p.input.Value(); len(v) > p.input.Width-1 {
		lines = append(lines, indent(wrapText(v, w-2), "  ")...)
	}
	switch {
	case p.validating:
		lines = append(lines, p.c.spinner()+" checking…")
	case p.err != nil:
		lines = append(lines, errorLines(s, p.err, w)...)
	}
	lines = append(lines, "")

	scopeBox := "[ ]"
	if p.scope {
		scopeBox = "[x]"
	}
	target := p.targetCluster()
	scopeLine := scopeBox + " Limit the user to " + target
	if target == "" {
		scopeLine = scopeBox + " Limit the user to the target deployment"
	}
	var scope []string
	if n := len(p.req.Clusters); n > 0 {
		c := p.req.Clusters[p.cluster]
		desc := c.Name
		if c.Kind != "" || c.State != "" {
			desc += s.Muted.Render(" (" + strings.Trim(c.Kind+", "+c.State, ", ") + ")")
		}
		if n > 1 {
			desc = "‹ " + desc + " ›" + s.Muted.Render(fmt.Sprintf("  %d of %d", p.cluster+1, n))
		}
		prefix := "  " + s.Label.Render("Deployment ")
		if p.focus == accessFocusCluster {
			prefix = s.Accent.Render("› ") + s.Selected.Render("Deployment ")
		}
		scope = append(scope, wrapHanging(prefix, desc, w)...)
	}
	if p.focus == accessFocusScope {
		scope = append(scope, wrapHanging(s.Accent.Render("› "), s.Selected.Render(scopeLine), w)...)
	} else {
		scope = append(scope, wrapHanging("  ", scopeLine, w)...)
	}

	title := "Roles you can grant"
	if p.focus == accessFocusCatalogue {
		title += s.Muted.Render(" (enter adds the role to the field)")
	} else {
		title += s.Muted.Render(" (tab to browse)")
	}
	lines = append(lines, s.Title.Render(title))
	room := max(p.c.height-len(lines)-len(scope)-1, 2)
	start := 0
	if p.cursor >= room {
		start = p.cursor - room + 1
	}
	nameW := p.nameWidth()
	for i := start; i < len(p.catalogue) && i < start+room; i++ {
		r := p.catalogue[i]
		nameCol := padTo(fit(r.name, nameW), nameW)
		line := nameCol
		if rest := w - 2 - nameW - 2; rest > 8 {
			if about := r.about(s); about != "" {
				line += "  " + fit(about, rest)
			}
		}
		if i == p.cursor && p.focus == accessFocusCatalogue {
			lines = append(lines, s.Accent.Render("› ")+s.Selected.Render(nameCol)+line[len(nameCol):])
		} else {
			lines = append(lines, "  "+line)
		}
	}
	lines = append(lines, "")
	lines = append(lines, scope...)
	return joinLines(lines)
}
