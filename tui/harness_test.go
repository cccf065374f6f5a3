package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/atlas-iam/atlas-iam/steps"
)

func init() {
	// Goldens must not depend on the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// fixedNow is the test clock: spinners and elapsed counters are stable.
var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

// snapshotMsg asks the program for the current view, rendered inside the event
// loop so reading it does not race with Update.
type snapshotMsg struct{ ch chan string }

// probe wraps the root model to answer snapshotMsg; everything else is the
// real model.
type probe struct{ *model }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(snapshotMsg); ok {
		s.ch <- p.model.View()
		return p, nil
	}
	m, cmd := p.model.Update(msg)
	return probe{m.(*model)}, cmd
}

// syncBuffer is a goroutine-safe bytes.Buffer (the clipboard writer).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness drives the real program with teatest and a scripted engine.
type harness struct {
	t      *testing.T
	tm     *teatest.TestModel
	m      *model
	clip   *syncBuffer
	cancel context.CancelFunc
}

const waitLimit = 5 * time.Second

func start(t *testing.T, run Runner, w, h int, tweak ...func(*Options)) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clip := &syncBuffer{}
	opts := Options{Out: io.Discard, Clipboard: clip, Clock: fixedClock, Width: w, Height: h, Term: "xterm-256color"}
	for _, f := range tweak {
		f(&opts)
	}
	m := newModel(ctx, run, opts, newRenderer(io.Discard, opts.NoColor))
	tm := teatest.NewTestModel(t, probe{m}, teatest.WithInitialTermSize(w, h))
	hs := &harness{t: t, tm: tm, m: m, clip: clip, cancel: cancel}
	t.Cleanup(func() {
		cancel()
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	})
	return hs
}

// view returns the current screen.
func (h *harness) view() string {
	h.t.Helper()
	ch := make(chan string, 1)
	h.tm.Send(snapshotMsg{ch: ch})
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		h.t.Fatal("no view: the program is not running")
		return ""
	}
}

// waitView waits until the screen contains every one of subs and returns it.
func (h *harness) waitView(subs ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	var v string
	for time.Now().Before(deadline) {
		v = h.view()
		ok := true
		for _, s := range subs {
			if !strings.Contains(v, s) {
				ok = false
				break
			}
		}
		if ok {
			return v
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("screen never showed %q; last screen:\n%s", subs, v)
	return ""
}

func (h *harness) press(keys ...tea.KeyType) {
	for _, k := range keys {
		h.tm.Send(tea.KeyMsg{Type: k})
	}
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// final waits for the program to end and returns the root model.
func (h *harness) final() *model {
	h.t.Helper()
	fm := h.tm.FinalModel(h.t, teatest.WithFinalTimeout(waitLimit))
	return fm.(probe).model
}

// answers collects what the TUI answered, in order, for the test to check.
type answers struct {
	ch chan any
}

func newAnswers() *answers { return &answers{ch: make(chan any, 32)} }

func (a *answers) put(v any, err error) {
	if err != nil {
		a.ch <- err
		return
	}
	a.ch <- v
}

func (a *answers) next(t *testing.T) any {
	t.Helper()
	select {
	case v := <-a.ch:
		return v
	case <-time.After(waitLimit):
		t.Fatal("the engine got no answer")
		return nil
	}
}

// hold blocks the scripted engine until the test ends (ctx is cancelled).
func hold(ctx context.Context) (*steps.Result, error) {
	<-ctx.Done()
	return nil, steps.ErrAborted
}
