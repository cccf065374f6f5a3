package tui

import (
	"context"
	"fmt"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// The engine runs in its own goroutine; the program only learns about it through
// messages. Events, questions and the end of the run share one channel so they
// arrive in the order the engine produced them (an event emitted just before a
// question is drawn before the question's screen).

// eventMsg carries one engine event into Update.
type eventMsg struct{ event steps.Event }

// promptMsg carries one engine question; the answer goes back on reply.
type promptMsg struct {
	seq   int
	req   any // steps.Overview, steps.CredentialsRequest, … (the Prompter's arguments)
	reply chan<- answer
}

// answer is a screen's reply to a question.
type answer struct {
	value any
	err   error
}

// runnerDoneMsg says the engine returned.
type runnerDoneMsg struct {
	result *steps.Result
	err    error
}

// outcome is what the engine returned, kept for Run after the program ends.
type outcome struct {
	result *steps.Result
	err    error
}

// bridge connects the engine goroutine with the program.
type bridge struct {
	msgs     chan tea.Msg
	stop     chan struct{} // closed when the program no longer listens
	stopOnce sync.Once

	seqMu sync.Mutex
	seq   int

	finished chan struct{} // closed when the engine returned
	outcome  outcome
}

func newBridge() *bridge {
	return &bridge{
		msgs:     make(chan tea.Msg, 64),
		stop:     make(chan struct{}),
		finished: make(chan struct{}),
	}
}

// close releases everything blocked on the program; safe to call twice.
func (b *bridge) close() { b.stopOnce.Do(func() { close(b.stop) }) }

// listen is the subscription: it returns the next engine message. Update re-arms
// it after every bridge message, so exactly one listener is active.
func (b *bridge) listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-b.msgs:
			return msg
		case <-b.stop:
			return nil
		}
	}
}

// start runs the engine. It is the body of a tea.Cmd: it blocks for the whole
// run, then records the outcome and reports the end through the channel so that
// it follows the engine's last events.
func (b *bridge) start(ctx context.Context, run Runner) tea.Cmd {
	return func() tea.Msg {
		res, err := run(ctx, &prompter{b: b}, b.emit)
		b.outcome = outcome{result: res, err: err}
		close(b.finished)
		select {
		case b.msgs <- runnerDoneMsg{result: res, err: err}:
		case <-b.stop:
		}
		return nil
	}
}

// emit is the engine's steps.Emit. It blocks only while the channel is full and
// the program still listens.
func (b *bridge) emit(ev steps.Event) {
	select {
	case b.msgs <- eventMsg{event: ev}:
	case <-b.stop:
	}
}

// ask sends a question to the program and waits for the screen's answer. A
// cancelled context or a program that stopped listening means the user left.
func (b *bridge) ask(ctx context.Context, req any) (any, error) {
	b.seqMu.Lock()
	b.seq++
	seq := b.seq
	b.seqMu.Unlock()

	reply := make(chan answer, 1)
	select {
	case b.msgs <- promptMsg{seq: seq, req: req, reply: reply}:
	case <-ctx.Done():
		return nil, steps.ErrAborted
	case <-b.stop:
		return nil, steps.ErrAborted
	}
	select {
	case a := <-reply:
		return a.value, a.err
	case <-ctx.Done():
		return nil, steps.ErrAborted
	case <-b.stop:
		return nil, steps.ErrAborted
	}
}

// askAs is ask with the answer's type checked.
func askAs[T any](ctx context.Context, b *bridge, req any) (T, error) {
	var zero T
	v, err := b.ask(ctx, req)
	if err != nil {
		return zero, err
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("tui: answer %T to %T is not a %T", v, req, zero)
	}
	return t, nil
}

// prompter is the steps.Prompter the engine talks to in TUI mode.
type prompter struct{ b *bridge }

var _ steps.Prompter = (*prompter)(nil)

func (p *prompter) Begin(ctx context.Context, o steps.Overview) error {
	_, err := p.b.ask(ctx, o)
	return err
}

func (p *prompter) AtlasCredentials(ctx context.Context, r steps.CredentialsRequest) (steps.AtlasCredentialsInput, error) {
	return askAs[steps.AtlasCredentialsInput](ctx, p.b, r)
}

func (p *prompter) Project(ctx context.Context, r steps.ProjectRequest) (steps.ProjectOption, error) {
	return askAs[steps.ProjectOption](ctx, p.b, r)
}

func (p *prompter) Platform(ctx context.Context, r steps.PlatformRequest) (string, error) {
	return askAs[string](ctx, p.b, r)
}

func (p *prompter) Principal(ctx context.Context, r steps.PrincipalRequest) (steps.PrincipalView, error) {
	return askAs[steps.PrincipalView](ctx, p.b, r)
}

func (p *prompter) Access(ctx context.Context, r steps.AccessRequest) (steps.Access, error) {
	return askAs[steps.Access](ctx, p.b, r)
}

func (p *prompter) Review(ctx context.Context, r steps.ReviewRequest) (bool, error) {
	return askAs[bool](ctx, p.b, r)
}

func (p *prompter) Network(ctx context.Context, r steps.NetworkRequest) (bool, error) {
	return askAs[bool](ctx, p.b, r)
}

func (p *prompter) Failure(ctx context.Context, r steps.FailureRequest) (steps.Choice, error) {
	return askAs[steps.Choice](ctx, p.b, r)
}
