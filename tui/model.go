package tui

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// Screen frame: a 2-line header, a blank line, the body, the help bar; a margin
// of two cells on each side.
const (
	marginX      = 2
	headerLines  = 2
	frameLines   = headerLines + 1 + 1
	minBodyWidth = 20
)

// model is the one root model. It owns the bridge to the engine, routes every
// message, and draws the frame around the active screen. When no question is
// pending it shows the engine's activity (spinners, progress, the live login).
type model struct {
	c      *common
	run    Runner
	bridge *bridge
	cancel context.CancelFunc

	clipboard io.Writer
	term      string
	help      help.Model

	width, height int

	progress *progress
	pending  *promptMsg // the question being answered
	page     page       // the screen for pending (or the result); nil shows activity
	ticking  bool

	result  *steps.Result
	done    bool // the engine returned
	aborted bool // ctrl+c
}

// newModel builds the root model. ctx is the parent of the engine's context;
// r is the renderer bound to the UI's output.
func newModel(ctx context.Context, run Runner, opts Options, r *lipgloss.Renderer) *model {
	opts = opts.withDefaults()
	runCtx, cancel := context.WithCancel(ctx)
	styles := newStyles(r)
	h := help.New()
	h.Styles = styles.Help
	m := &model{
		c: &common{
			ctx:    runCtx,
			styles: styles,
			keys:   DefaultKeyMap(),
			clock:  opts.Clock,
		},
		run:       run,
		bridge:    newBridge(),
		cancel:    cancel,
		clipboard: opts.Clipboard,
		term:      opts.Term,
		help:      h,
		progress:  newProgress(),
	}
	m.resize(opts.Width, opts.Height)
	return m
}

func (m *model) resize(w, h int) {
	m.width, m.height = w, h
	m.c.width = max(w-2*marginX, minBodyWidth)
	m.c.height = max(h-frameLines, 3)
	m.help.Width = m.c.width
}

// Init starts the engine and the subscription to its messages.
func (m *model) Init() tea.Cmd {
	return tea.Batch(m.bridge.listen(), m.bridge.start(m.c.ctx, m.run))
}

// Update routes messages: frame-level ones here, the rest to the active screen.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		if m.page != nil {
			return m, m.page.update(msg) // screens re-fit their inputs
		}
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.c.keys.Abort) {
			return m, m.abort()
		}
	case abortMsg:
		return m, m.abort()
	case eventMsg:
		m.progress.apply(msg.event, m.c.clock())
		return m, tea.Batch(m.bridge.listen(), m.ensureTick())
	case promptMsg:
		return m, tea.Batch(m.bridge.listen(), m.open(msg), m.ensureTick())
	case runnerDoneMsg:
		return m, m.finish(msg)
	case answerMsg:
		m.deliver(msg)
		return m, m.ensureTick()
	case exitMsg:
		m.shutdown()
		return m, tea.Quit
	case tickMsg:
		m.ticking = false
		return m, m.ensureTick()
	}
	if m.page == nil {
		return m, nil
	}
	return m, tea.Batch(m.page.update(msg), m.ensureTick())
}

// open shows the screen for an engine question.
func (m *model) open(p promptMsg) tea.Cmd {
	m.pending = &p
	m.page = newPromptPage(m.c, p.seq, p.req)
	if m.page == nil {
		// A question this build cannot show: say so to the engine instead of
		// guessing an answer.
		m.deliver(answerMsg{seq: p.seq, answer: answer{err: fmt.Errorf("tui: unsupported question %T", p.req)}})
		return nil
	}
	if s := m.page.step(); s != "" {
		m.progress.current = s // stays after the answer, until the next step starts
	}
	return m.page.init()
}

// deliver sends a screen's answer to the waiting engine and returns to the
// activity view. Stale answers (a double enter) are dropped.
func (m *model) deliver(a answerMsg) {
	if m.pending == nil || a.seq != m.pending.seq {
		return
	}
	m.pending.reply <- a.answer // buffered: never blocks
	m.pending, m.page = nil, nil
}

// finish handles the engine's return: the result screen on success, the end of
// the program otherwise (Run hands the error to the command, which prints it
// after the terminal is restored).
func (m *model) finish(d runnerDoneMsg) tea.Cmd {
	m.done, m.result = true, d.result
	if d.err != nil || d.result == nil {
		m.shutdown()
		return tea.Quit
	}
	m.pending = nil
	m.page = newResultPage(m.c, d.result, m.clipboard, m.term)
	m.progress.current = steps.StepResult
	return m.page.init()
}

// abort is ctrl+c: cancel the engine, release its pending question, quit.
func (m *model) abort() tea.Cmd {
	m.aborted = true
	if m.pending != nil {
		m.pending.reply <- answer{err: steps.ErrAborted}
		m.pending = nil
	}
	m.shutdown()
	return tea.Quit
}

// shutdown cancels the engine's context and releases everything that waits on
// the program.
func (m *model) shutdown() {
	m.cancel()
	m.bridge.close()
}

// ensureTick keeps one clock tick in flight while something animates.
func (m *model) ensureTick() tea.Cmd {
	if m.ticking || !m.animating() {
		return nil
	}
	m.ticking = true
	return tick()
}

func (m *model) animating() bool {
	if m.page != nil {
		return m.page.busy()
	}
	return !m.done && m.progress.running()
}

// View draws header, body and help bar, every line within the terminal width.
func (m *model) View() string {
	var body string
	var keys []key.Binding
	if m.page != nil {
		body = m.page.view()
		keys = m.page.help()
	} else {
		body = m.activityView()
	}
	keys = append(keys, m.c.keys.Abort)

	lines := m.headerView()
	lines = append(lines, "")
	bodyLines := strings.Split(body, "\n")
	bodyLines, _ = window(bodyLines, 0, m.c.height)
	for len(bodyLines) < m.c.height {
		bodyLines = append(bodyLines, "")
	}
	lines = append(lines, bodyLines...)
	lines = append(lines, m.helpView(keys))

	margin := strings.Repeat(" ", marginX)
	for i, l := range lines {
		if l != "" {
			lines[i] = margin + l
		}
	}
	return strings.Join(lines, "\n")
}

// helpView renders the help bar within the width. bubbles' help can overflow
// when even its ellipsis does not fit, so bindings are dropped here from the
// end, keeping the last one (abort).
func (m *model) helpView(keys []key.Binding) string {
	for {
		v := m.help.ShortHelpView(keys)
		if ansi.StringWidth(v) <= m.c.width || len(keys) <= 1 {
			return fit(v, m.c.width)
		}
		keys = append(keys[:len(keys)-2:len(keys)-2], keys[len(keys)-1])
	}
}
