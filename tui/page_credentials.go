package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// credentialKinds are the two kinds of Atlas credentials the engine's
// AtlasCredentialsInput.Kind accepts.
var credentialKinds = []struct{ kind, label, idLabel, secretLabel string }{
	{"api-key", "API key pair", "Public key ", "Private key"},
	{"service-account", "Service account", "Client ID  ", "Secret     "},
}

// verifiedMsg is the result of the request's Verify for attempt n.
type verifiedMsg struct {
	seq, attempt int
	input        steps.AtlasCredentialsInput
	err          error
}

// credentialsPage asks for an API key pair or a service account, masks the
// secret, and runs the request's Verify (in a command, with a spinner) before
// answering; a rejection stays on this screen so the user can fix it.
type credentialsPage struct {
	c       *common
	seq     int
	req     steps.CredentialsRequest
	kind    int
	focus   int // 0 kind, 1 id, 2 secret
	id      textinput.Model
	secret  textinput.Model
	attempt int
	busyNow bool
	cancel  context.CancelFunc
	err     error
}

func newCredentialsPage(c *common, seq int, r steps.CredentialsRequest) *credentialsPage {
	p := &credentialsPage{c: c, seq: seq, req: r, focus: 1}
	p.id = newInput(c, "")
	p.secret = newInput(c, "")
	p.secret.EchoMode = textinput.EchoPassword
	p.secret.EchoCharacter = '•'
	return p
}

// newInput is a text input in the wizard's styles with a steady cursor (a
// blinking one would make every frame different).
func newInput(c *common, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = placeholder
	c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

func (p *credentialsPage) init() tea.Cmd {
	p.resize()
	return p.setFocus(1)
}

// resize fits the inputs after their 14-cell labels, the prompt and the cursor.
func (p *credentialsPage) resize() {
	p.id.Width = max(p.c.width-18, 8)
	p.secret.Width = max(p.c.width-18, 8)
}
func (p *credentialsPage) step() steps.Step { return steps.StepAtlas }
func (p *credentialsPage) busy() bool       { return p.busyNow }

func (p *credentialsPage) help() []key.Binding {
	k := p.c.keys
	if p.busyNow {
		return []key.Binding{withHelp(k.Back, "esc", "cancel check")}
	}
	keys := []key.Binding{k.Next, withHelp(k.Enter, "enter", "verify")}
	if p.focus == 0 {
		keys = append(keys, withHelp(k.Left, "←/→", "kind"))
	}
	return append(keys, k.Back)
}

func (p *credentialsPage) setFocus(f int) tea.Cmd {
	p.focus = (f + 3) % 3
	p.id.Blur()
	p.secret.Blur()
	switch p.focus {
	case 1:
		return p.id.Focus()
	case 2:
		return p.secret.Focus()
	}
	return nil
}

func (p *credentialsPage) input() steps.AtlasCredentialsInput {
	in := steps.AtlasCredentialsInput{Kind: credentialKinds[p.kind].kind}
	if in.Kind == "api-key" {
		in.PublicKey, in.PrivateKey = p.id.Value(), p.secret.Value()
	} else {
		in.ClientID, in.ClientSecret = p.id.Value(), p.secret.Value()
	}
	return in
}

// verify calls the engine's Verify off the event loop.
func (p *credentialsPage) verify() tea.Cmd {
	p.attempt++
	p.busyNow, p.err = true, nil
	ctx, cancel := context.WithCancel(p.c.ctx)
	p.cancel = cancel
	in, seq, attempt, verify := p.input(), p.seq, p.attempt, p.req.Verify
	return func() tea.Msg {
		defer cancel()
		var err error
		if verify != nil {
			err = verify(ctx, in)
		}
		return verifiedMsg{seq: seq, attempt: attempt, input: in, err: err}
	}
}

func (p *credentialsPage) update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.resize()
		return nil
	case verifiedMsg:
		if msg.seq != p.seq || msg.attempt != p.attempt || !p.busyNow {
			return nil
		}
		p.busyNow = false
		if msg.err != nil {
			p.err = msg.err
			return p.setFocus(2)
		}
		return answerCmd(p.seq, msg.input, nil)
	case tea.KeyMsg:
		if p.busyNow {
			if key.Matches(msg, k.Back) {
				p.cancel()
				p.busyNow = false
				p.attempt++ // the cancelled check's answer is stale
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Back):
			return answerCmd(p.seq, nil, steps.ErrBack)
		case key.Matches(msg, k.Next, k.Down):
			return p.setFocus(p.focus + 1)
		case key.Matches(msg, k.Prev, k.Up):
			return p.setFocus(p.focus - 1)
		case key.Matches(msg, k.Enter):
			if p.focus == 2 {
				return p.verify()
			}
			return p.setFocus(p.focus + 1)
		case p.focus == 0 && key.Matches(msg, k.Left, k.Right, k.Toggle):
			p.kind = 1 - p.kind
			return nil
		}
	}
	var cmd tea.Cmd
	switch p.focus {
	case 1:
		p.id, cmd = p.id.Update(msg)
	case 2:
		p.secret, cmd = p.secret.Update(msg)
	}
	return cmd
}

func (p *credentialsPage) view() string {
	s, w := p.c.styles, p.c.width
	lines := []string{s.Title.Render("Atlas Admin API credentials"), ""}
	if p.req.Reason != "" {
		lines = append(lines, wrapText(p.req.Reason, w)...)
		lines = append(lines, "")
	}

	kinds := ""
	for i, k := range credentialKinds {
		mark := "( )"
		if i == p.kind {
			mark = "(•)"
		}
		item := mark + " " + k.label
		if i == p.kind && p.focus == 0 {
			item = s.Selected.Render(item)
		}
		kinds += item + "   "
	}
	pointer := func(f int) string {
		if p.focus == f {
			return s.Accent.Render("›") + " "
		}
		return "  "
	}
	lines = append(lines, wrapHanging(pointer(0)+s.Label.Render("Kind        "), kinds, w)...)
	lines = append(lines, "")
	kind := credentialKinds[p.kind]
	lines = append(lines, pointer(1)+s.Label.Render(kind.idLabel+" ")+p.id.View())
	lines = append(lines, pointer(2)+s.Label.Render(kind.secretLabel+" ")+p.secret.View())
	lines = append(lines, "")
	switch {
	case p.busyNow:
		lines = append(lines, p.c.spinner()+" Checking the credentials with Atlas…")
	case p.err != nil:
		lines = append(lines, errorLines(s, p.err, w)...)
	default:
		lines = append(lines, s.Muted.Render("The secret stays in memory; it is never shown or saved."))
	}
	lines, _ = window(lines, 0, p.c.height)
	return joinLines(lines)
}
