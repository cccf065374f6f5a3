package tui

import (
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// resultItem is one copyable block of the result screen.
type resultItem struct {
	title string
	what  string // for "copied the …"
	text  string
}

// resultPage shows what the setup produced: who logged in, the mongosh command
// and the connection string (wrapped, never truncated), the command to run on the
// target, and driver snippets in tabs. c copies the focused block with OSC 52;
// q or enter ends the program (Run then prints the commands on stdout).
type resultPage struct {
	c         *common
	res       *steps.Result
	clipboard io.Writer
	term      string
	items     []resultItem // mongosh, connection string, check command
	focus     int          // index in items, or len(items) for the snippet
	tab       int
	status    string
	offset    int
}

func newResultPage(c *common, res *steps.Result, clipboard io.Writer, term string) *resultPage {
	p := &resultPage{c: c, res: res, clipboard: clipboard, term: term, offset: -1}
	if res.Mongosh != "" {
		p.items = append(p.items, resultItem{title: "mongosh", what: "mongosh command", text: res.Mongosh})
	}
	if res.ConnectionString != "" {
		p.items = append(p.items, resultItem{title: "Connection string", what: "connection string", text: res.ConnectionString})
	}
	if res.CheckCommand != "" {
		p.items = append(p.items, resultItem{title: "Run this on the target to test it there", what: "check command", text: res.CheckCommand})
	}
	return p
}

func (p *resultPage) init() tea.Cmd    { return nil }
func (p *resultPage) step() steps.Step { return steps.StepResult }
func (p *resultPage) busy() bool       { return false }

func (p *resultPage) help() []key.Binding {
	k := p.c.keys
	keys := []key.Binding{withHelp(k.Next, "tab", "next"), withHelp(k.Copy, "c", "copy")}
	if len(p.res.Snippets) > 1 {
		keys = append(keys, withHelp(k.Left, "←/→", "language"))
	}
	return append(keys, withHelp(k.Exit, "q", "quit"))
}

func (p *resultPage) focusCount() int {
	n := len(p.items)
	if len(p.res.Snippets) > 0 {
		n++
	}
	return max(n, 1)
}

// focused returns the block to copy.
func (p *resultPage) focused() (resultItem, bool) {
	if p.focus < len(p.items) {
		return p.items[p.focus], true
	}
	if len(p.res.Snippets) > 0 {
		sn := p.res.Snippets[p.tab]
		return resultItem{what: snippetTitle(sn) + " snippet", text: sn.Code}, true
	}
	return resultItem{}, false
}

func (p *resultPage) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case copiedMsg:
		if msg.err != nil {
			p.status = p.c.styles.Fail.Render("✗ could not copy: " + msg.err.Error())
		} else {
			p.status = p.c.styles.Status.Render("✓ copied the "+msg.what+" (OSC 52)") + clipboardHint(p.term)
		}
		return nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Exit):
			return func() tea.Msg { return exitMsg{} }
		case key.Matches(msg, k.Copy):
			if it, ok := p.focused(); ok {
				return copyCmd(p.clipboard, p.term, it.what, it.text)
			}
		case key.Matches(msg, k.Next, k.Down):
			p.focus = (p.focus + 1) % p.focusCount()
			p.status, p.offset = "", -1
		case key.Matches(msg, k.Prev, k.Up):
			p.focus = (p.focus + p.focusCount() - 1) % p.focusCount()
			p.status, p.offset = "", -1
		case key.Matches(msg, k.Right) && len(p.res.Snippets) > 0:
			p.tab = (p.tab + 1) % len(p.res.Snippets)
			p.focus, p.status, p.offset = len(p.items), "", -1
		case key.Matches(msg, k.Left) && len(p.res.Snippets) > 0:
			p.tab = (p.tab + len(p.res.Snippets) - 1) % len(p.res.Snippets)
			p.focus, p.status, p.offset = len(p.items), "", -1
		case key.Matches(msg, k.PageDown):
			p.offset = max(p.offset, 0) + 10
		case key.Matches(msg, k.PageUp):
			p.offset = max(max(p.offset, 0)-10, 0)
		}
	}
	return nil
}

func snippetTitle(sn steps.Snippet) string {
	if sn.Title != "" {
		return sn.Title
	}
	switch sn.Lang {
	case "go":
		return "Go"
	case "node":
		return "Node.js"
	case "python":
		return "Python"
	case "java":
		return "Java"
	}
	return sn.Lang
}

func (p *resultPage) view() string {
	s, w := p.c.styles, p.c.width
	r := p.res
	lines := []string{s.OK.Render("✓ ") + s.Title.Render("AWS IAM authentication is set up")}
	// anchors are the lines a scrolled view may start at: never mid-paragraph.
	anchors := []int{0}
	add := func(more []string) {
		anchors = append(anchors, len(lines))
		lines = append(lines, more...)
	}
	if r.Login != nil {
		who := r.Login.User
		if len(r.Login.Roles) > 0 {
			who += " with " + strings.Join(r.Login.Roles, ", ")
		}
		add(wrapHanging(s.Label.Render("Logged in ")+" ", who, w))
	}
	if r.Tested != nil {
		add(wrapHanging(s.Label.Render("Tested as ")+" ", r.Tested.ARN+" via "+r.Tested.Via, w))
	}
	if r.User.Action != "" {
		add(wrapHanging(s.Label.Render("User      ")+" ", r.User.Action+": "+r.User.User.Username, w))
	}
	for _, d := range r.Warnings {
		if d != nil {
			add(wrapHanging(s.Warn.Render("! "), string(d.Code)+": "+d.Summary, w))
		}
	}

	// Blocks; remember where the focused one starts and ends for scrolling.
	var top, bottom int
	mark := func(i int) string {
		if i == p.focus {
			return s.Accent.Render("› ")
		}
		return "  "
	}
	for i, it := range p.items {
		lines = append(lines, "")
		anchors = append(anchors, len(lines))
		if i == p.focus {
			top = len(lines)
		}
		title := it.title
		if i == p.focus {
			title = s.Selected.Render(title)
		}
		lines = append(lines, mark(i)+title)
		lines = append(lines, indent(wrapCopyable(it.text, w-2), "  ")...)
		if i == p.focus {
			bottom = len(lines)
		}
	}
	if len(r.Snippets) > 0 {
		lines = append(lines, "")
		anchors = append(anchors, len(lines))
		if p.focus == len(p.items) {
			top = len(lines)
		}
		tabs := mark(len(p.items))
		for i, sn := range r.Snippets {
			// Brackets mark the open tab without colour too.
			if i == p.tab {
				tabs += s.TabActive.Render("["+snippetTitle(sn)+"]") + " "
			} else {
				tabs += s.Tab.Render(" "+snippetTitle(sn)+" ") + " "
			}
		}
		lines = append(lines, wrapText(strings.TrimRight(tabs, " "), w)...)
		// Tabs are expanded for display: a terminal moves the cursor over a tab
		// without painting the cells, so the renderer would leave stale glyphs
		// there. Copying (c) still gives the snippet with its tabs.
		code := strings.ReplaceAll(strings.TrimRight(r.Snippets[p.tab].Code, "\n"), "\t", "    ")
		lines = append(lines, indent(wrapCopyable(code, w-2), "  ")...)
		if p.focus == len(p.items) {
			bottom = len(lines)
		}
	}

	status := p.status
	if status == "" {
		status = s.Muted.Render("c copies the focused block · the commands are printed again when you quit")
	}
	statusLines := wrapText(status, w)
	statusLines = statusLines[:min(len(statusLines), 2)]
	room := p.c.height - 1 - len(statusLines)
	offset := p.offset
	if offset < 0 {
		// Bring the focused block into view, whole when it fits.
		offset = 0
		if bottom > room {
			offset = bottom - room
		}
		if top < offset {
			offset = top
		}
		for _, a := range anchors {
			if a >= offset {
				offset = a // the focused block's top is an anchor, so it stays in view
				break
			}
		}
	}
	// Sliced by hand: window() would pull a late anchor back up mid-paragraph.
	offset = min(max(offset, 0), max(len(lines)-1, 0))
	view := append([]string(nil), lines[offset:min(offset+room, len(lines))]...)
	for len(view) < room {
		view = append(view, "")
	}
	view = append(view, "")
	view = append(view, statusLines...)
	return joinLines(view)
}
