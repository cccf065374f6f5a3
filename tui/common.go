package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// common is what every screen shares (soft-serve's common.Common): the engine's
// context for the calls a screen makes on the engine's behalf (Verify, Validate),
// styles, keys, the clock and the size of the body area.
type common struct {
	ctx    context.Context
	styles *Styles
	keys   *KeyMap
	clock  func() time.Time
	width  int // body width in cells
	height int // body height in lines
}

// spinnerFrames are bubbles' MiniDot frames; the frame is picked from the clock
// rather than from tick counts, so a frozen test clock draws a stable frame.
var spinnerFrames = spinner.MiniDot

func (c *common) spinner() string {
	n := c.clock().UnixNano() / int64(spinnerFrames.FPS)
	return c.styles.Accent.Render(spinnerFrames.Frames[int(n%int64(len(spinnerFrames.Frames)))])
}

// page is one screen answering one engine question (or the final result).
type page interface {
	// init returns the screen's first commands (focus, background loading).
	init() tea.Cmd
	// update handles a message the root model did not consume.
	update(msg tea.Msg) tea.Cmd
	// view renders the body in c.width × c.height.
	view() string
	// help lists the keys the screen currently reacts to.
	help() []key.Binding
	// step is the flow step the screen belongs to, for the header.
	step() steps.Step
	// busy reports a visible spinner or counter that needs clock ticks.
	busy() bool
}

// answerMsg is a screen's answer to the question with the same seq.
type answerMsg struct {
	seq int
	answer
}

// answerCmd returns the answer as a message for the root model.
func answerCmd(seq int, value any, err error) tea.Cmd {
	return func() tea.Msg { return answerMsg{seq: seq, answer: answer{value: value, err: err}} }
}

// exitMsg asks the root model to end the program (the result screen's q).
type exitMsg struct{}

// abortMsg ends the program as ctrl+c does (the caller's context was cancelled).
type abortMsg struct{}

// tickMsg redraws spinners and elapsed counters.
type tickMsg struct{}

const tickInterval = 100 * time.Millisecond

func tick() tea.Cmd {
	return tea.Tick(tickInterval, func(time.Time) tea.Msg { return tickMsg{} })
}
