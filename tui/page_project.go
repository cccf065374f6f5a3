package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// projectPageMsg is one page of projects from the request's channel; ok is false
// once the channel is closed.
type projectPageMsg struct {
	seq  int
	page steps.ProjectPage
	ok   bool
}

// projectPage is a filterable picker over all the organisation's projects while
// pages keep arriving in the background. The answer is always one of the
// projects the engine sent.
type projectPage struct {
	c       *common
	seq     int
	req     steps.ProjectRequest
	index   *projectIndex
	input   textinput.Model
	matches []int
	exact   int  // how many matches are substring matches (the rest are fuzzy)
	cursor  int  // position in matches
	offset  int  // first visible row
	moved   bool // arrows moved the cursor since the filter last changed: it stays on its project
	typed   bool // the user typed or moved: stop following Preselected
	loaded  int
	total   int
	done    bool
	loadErr error
}

func newProjectPage(c *common, seq int, r steps.ProjectRequest) *projectPage {
	p := &projectPage{c: c, seq: seq, req: r, index: newProjectIndex()}
	p.input = newInput(c, "type to filter by name or id")
	p.input.Prompt = "Filter > "
	return p
}

func (p *projectPage) init() tea.Cmd {
	p.resize()
	return tea.Batch(p.input.Focus(), p.next())
}

func (p *projectPage) resize()          { p.input.Width = max(p.c.width-12, 8) }
func (p *projectPage) step() steps.Step { return steps.StepProject }
func (p *projectPage) busy() bool       { return !p.done }

func (p *projectPage) help() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Up, "↑/↓", "move"), withHelp(k.Enter, "enter", "choose"),
		withHelp(k.Back, "esc", "clear filter / back")}
}

// next waits for the next page from the engine.
func (p *projectPage) next() tea.Cmd {
	if p.req.Pages == nil {
		p.done = true
		return nil
	}
	ch, seq, ctx := p.req.Pages, p.seq, p.c.ctx
	return func() tea.Msg {
		select {
		case pg, ok := <-ch:
			return projectPageMsg{seq: seq, page: pg, ok: ok}
		case <-ctx.Done():
			return nil
		}
	}
}

func (p *projectPage) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.resize()
		return nil
	case projectPageMsg:
		if msg.seq != p.seq {
			return nil
		}
		return p.receive(msg)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Enter):
			if p.cursor < len(p.matches) {
				return answerCmd(p.seq, p.index.items[p.matches[p.cursor]], nil)
			}
			return nil
		case key.Matches(msg, k.Back):
			if p.input.Value() != "" {
				p.input.SetValue("")
				p.moved, p.typed = false, false
				p.refilter()
				return nil
			}
			return answerCmd(p.seq, nil, steps.ErrBack)
		case key.Matches(msg, k.Up):
			p.move(-1)
			return nil
		case key.Matches(msg, k.Down):
			p.move(1)
			return nil
		case key.Matches(msg, k.PageUp):
			p.move(-p.listHeight())
			return nil
		case key.Matches(msg, k.PageDown):
			p.move(p.listHeight())
			return nil
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		// A new filter puts the best match first.
		p.moved, p.typed = false, p.input.Value() != ""
		p.refilter()
	}
	return cmd
}

// receive adds a page and keeps the cursor on the project it was on.
func (p *projectPage) receive(msg projectPageMsg) tea.Cmd {
	if !msg.ok {
		p.done = true
		return nil
	}
	pg := msg.page
	p.index.add(pg.Projects)
	p.loaded = max(pg.Loaded, len(p.index.items))
	p.total = pg.Total
	if pg.Err != nil {
		p.loadErr = pg.Err
	}
	p.refilter()
	if pg.Done || pg.Err != nil {
		p.done = true
		return nil
	}
	return p.next()
}

// refilter recomputes the matches (the filter changed or a page arrived). A
// cursor the user moved stays on its project; otherwise it is on the
// preselected project until the user types or moves, else on the best match,
// so better matches arriving later come to the top under the cursor.
func (p *projectPage) refilter() {
	current := -1
	if p.moved && p.cursor < len(p.matches) {
		current = p.matches[p.cursor]
	}
	if !p.typed && !p.moved {
		if i, ok := p.index.byID[p.req.Preselected]; ok && p.req.Preselected != "" {
			current = i
		}
	}
	p.matches, p.exact = p.index.filter(p.input.Value(), p.matches)
	p.cursor = 0
	for pos, i := range p.matches {
		if i == current {
			p.cursor = pos
			break
		}
	}
	p.follow()
}

func (p *projectPage) move(d int) {
	p.moved, p.typed = true, true
	p.cursor = min(max(p.cursor+d, 0), max(len(p.matches)-1, 0))
	p.follow()
}

// follow scrolls the list so the cursor is visible.
func (p *projectPage) follow() {
	h := p.listHeight()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = max(0, min(p.offset, len(p.matches)-h))
}

// listHeight is the body minus title, filter, count, blank and selection (≤2 lines).
func (p *projectPage) listHeight() int { return max(p.c.height-6, 1) }

func (p *projectPage) view() string {
	s, w := p.c.styles, p.c.width
	var status string
	switch {
	case p.loadErr != nil:
		status = s.Fail.Render(fmt.Sprintf("✗ loading stopped after %s: %v", commaInt(p.loaded), p.loadErr))
	case !p.done && p.total > 0:
		status = p.c.spinner() + fmt.Sprintf(" loaded %s of %s", commaInt(p.loaded), commaInt(p.total))
	case !p.done && p.loaded == 0:
		status = p.c.spinner() + " loading projects…"
	case !p.done:
		status = p.c.spinner() + fmt.Sprintf(" loaded %s", commaInt(p.loaded))
	default:
		status = fmt.Sprintf("%s projects", commaInt(len(p.index.items)))
	}
	lines := []string{}
	lines = append(lines, spread(s.Title.Render("Pick the Atlas project"), status, w)...)
	lines = append(lines, p.input.View())
	count := fmt.Sprintf("%s matching", commaInt(p.exact))
	if fuzzy := len(p.matches) - p.exact; fuzzy > 0 {
		count += fmt.Sprintf(", %s similar", commaInt(fuzzy))
	}
	if p.input.Value() == "" {
		count = ""
	}
	lines = append(lines, s.Muted.Render(count))

	h := p.listHeight()
	showID := w >= 56
	nameWidth := w - 2
	if showID {
		nameWidth = w - 2 - 26
	}
	for row := p.offset; row < len(p.matches) && row < p.offset+h; row++ {
		pr := p.index.items[p.matches[row]]
		name := pr.Name
		if pr.ID == p.req.Preselected && p.req.Preselected != "" {
			name += " (preselected)"
		}
		line := padTo(fit(name, nameWidth), nameWidth)
		if showID {
			line += "  " + s.Muted.Render(pr.ID)
		}
		if row == p.cursor {
			lines = append(lines, s.Accent.Render("› ")+s.Selected.Render(line))
		} else {
			lines = append(lines, "  "+line)
		}
	}
	if len(p.matches) == 0 {
		msg := "no project matches"
		if p.input.Value() == "" {
			msg = "waiting for projects…"
		}
		lines = append(lines, s.Muted.Render("  "+msg))
	}
	for len(lines) < 3+h {
		lines = append(lines, "")
	}
	lines = append(lines, "")
	if p.cursor < len(p.matches) {
		pr := p.index.items[p.matches[p.cursor]]
		sel := wrapHanging(s.Label.Render("Selected ")+" ", pr.Name+" ("+pr.ID+")", w)
		lines = append(lines, sel[:min(len(sel), 2)]...)
	}
	return joinLines(lines)
}
