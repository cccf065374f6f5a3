package tui

import (
	"strings"

	"github.com/atlas-iam/atlas-iam/steps"
)

// activityView is shown while the engine works and no question is pending: each
// step that started, with its outcome or a spinner, the latest progress message
// with its elapsed time (deployment wait), and the live login stage by stage.
// When it is taller than the body, the most recent lines are shown.
func (m *model) activityView() string {
	s := m.c.styles
	w := m.c.width
	var lines []string

	title := "Working…"
	if st, ok := m.progress.states[m.progress.current]; ok {
		title = st.title
	}
	if len(m.progress.order) == 0 {
		title = "Starting…"
	}
	lines = append(lines, s.Title.Render(title), "")

	for _, step := range m.progress.order {
		st := m.progress.states[step]
		lines = append(lines, m.stepLines(st, w)...)
		if step == steps.StepLogin {
			lines = append(lines, m.loginLines(st, w)...)
		}
	}
	lines, _ = window(lines, len(lines), m.c.height) // the tail
	return strings.Join(lines, "\n")
}

// stepLines renders one step: icon, title and summary (or the running message
// with its elapsed time), then details and diagnosis for steps that need a look.
func (m *model) stepLines(st *stepState, w int) []string {
	s := m.c.styles
	var icon, text string
	if st.running {
		icon = m.c.spinner()
		text = st.title
		if st.message != "" {
			text += " — " + st.message
		}
		text += " " + s.Muted.Render("("+fmtElapsed(st.liveElapsed(m.c.clock()))+")")
	} else {
		icon = statusIcon(s, st.status)
		text = st.title
		if st.summary != "" {
			text += " — " + st.summary
		}
		if st.elapsed > 0 {
			text += " " + s.Muted.Render("("+fmtElapsed(st.elapsed)+")")
		}
	}
	lines := wrapHanging(icon+" ", text, w)
	if st.running {
		return lines
	}
	showDetails := st.status != steps.StatusOK || st.step == steps.StepLogin
	if showDetails {
		for _, d := range st.details {
			lines = append(lines, wrapHanging("    ", d, w)...)
		}
	}
	if d := st.diagnosis; d != nil && st.status != steps.StatusOK {
		lines = append(lines, wrapHanging("    "+s.Muted.Render(string(d.Code))+" ", d.Summary, w)...)
		for _, f := range d.Fix {
			lines = append(lines, wrapHanging("    → ", f, w)...)
		}
	}
	return lines
}

// loginStageNames are display names for the engine's login stages.
var loginStageNames = map[string]string{
	"credentials":      "AWS credentials",
	"connect":          "connect",
	"authenticate":     "MONGODB-AWS",
	"ping":             "ping",
	"connectionStatus": "connectionStatus",
}

// loginLines renders the live login as its stages arrive.
func (m *model) loginLines(st *stepState, w int) []string {
	s := m.c.styles
	var lines []string
	for _, stage := range m.progress.login {
		var icon string
		switch {
		case stage.done:
			icon = s.OK.Render("✓")
		case st.running:
			icon = m.c.spinner()
		case st.status == steps.StatusFailed:
			icon = s.Fail.Render("✗")
		default:
			icon = s.Muted.Render("·")
		}
		name := loginStageNames[stage.name]
		if name == "" {
			name = stage.name
		}
		text := padTo(name, 17)
		if stage.detail != "" {
			text += " " + stage.detail
		}
		if stage.elapsed > 0 {
			text += " " + s.Muted.Render("("+fmtElapsed(stage.elapsed)+")")
		}
		lines = append(lines, wrapHanging("    "+icon+" ", text, w)...)
	}
	return lines
}
