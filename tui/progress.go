package tui

import (
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// flow is the order of the engine's steps, for the header and the activity list.
// Names are display text only; the engine decides which steps run.
var flow = []struct {
	step steps.Step
	name string
}{
	{steps.StepAtlas, "Atlas access"},
	{steps.StepProject, "Project"},
	{steps.StepLDAP, "LDAP check"},
	{steps.StepPlatform, "Platform"},
	{steps.StepPrincipal, "Principal"},
	{steps.StepAccess, "Access"},
	{steps.StepUser, "Database user"},
	{steps.StepDeploy, "Deployment"},
	{steps.StepNetwork, "Network"},
	{steps.StepLogin, "Live login"},
	{steps.StepResult, "Result"},
}

func stepName(s steps.Step) string {
	for _, f := range flow {
		if f.step == s {
			return f.name
		}
	}
	return string(s)
}

func stepIndex(s steps.Step) int {
	for i, f := range flow {
		if f.step == s {
			return i
		}
	}
	return -1
}

// stepState is what the events told about one step.
type stepState struct {
	step      steps.Step
	title     string
	running   bool
	status    steps.Status // set by StepDone
	summary   string
	details   []string
	diagnosis *diag.Diagnosis
	message   string        // the latest Progress message
	elapsed   time.Duration // elapsed as of the latest event (from the engine)
	at        time.Time     // when that event arrived, to keep counting between events
}

// loginStage is one stage of the live login as reported by LoginProgress.
type loginStage struct {
	name    string
	detail  string
	done    bool
	elapsed time.Duration // how long it took, once done
	started time.Duration // the login's elapsed time when it began
}

// progress accumulates the engine's events.
type progress struct {
	order   []steps.Step // in the order they started
	states  map[steps.Step]*stepState
	login   []*loginStage
	current steps.Step // where the user is: the latest step started or asked about
}

func newProgress() *progress {
	return &progress{states: map[steps.Step]*stepState{}}
}

func (p *progress) state(s steps.Step) *stepState {
	st, ok := p.states[s]
	if !ok {
		st = &stepState{step: s, title: stepName(s)}
		p.states[s] = st
		p.order = append(p.order, s)
	}
	return st
}

// apply records one event; now is the clock at arrival.
func (p *progress) apply(ev steps.Event, now time.Time) {
	switch e := ev.(type) {
	case steps.StepStarted:
		st := p.state(e.Step)
		if e.Title != "" {
			st.title = e.Title
		}
		st.running, st.status, st.summary, st.details, st.diagnosis = true, "", "", nil, nil
		st.message, st.elapsed, st.at = "", 0, now
		p.current = e.Step
		if e.Step == steps.StepLogin {
			p.login = nil // a retried login starts over
		}
	case steps.Progress:
		st := p.state(e.Step)
		st.running = st.status == ""
		st.message, st.elapsed, st.at = e.Message, e.Elapsed, now
	case steps.StepDone:
		st := p.state(e.Step)
		st.running = false
		st.status, st.summary, st.details, st.diagnosis = e.Status, e.Summary, e.Details, e.Diagnosis
		st.elapsed, st.at = e.Elapsed, now
		if e.Step == steps.StepLogin && e.Status == steps.StatusOK {
			p.finishLoginStages(e.Elapsed)
		}
	case steps.LoginProgress:
		var stage *loginStage
		for _, s := range p.login {
			if s.name == e.Stage {
				stage = s
			}
		}
		if stage == nil {
			// The login only moves forward (connect's tracker): a new stage
			// means the ones before it are over.
			p.finishLoginStages(e.Elapsed)
			stage = &loginStage{name: e.Stage, started: e.Elapsed}
			p.login = append(p.login, stage)
		}
		if e.Detail != "" {
			stage.detail = e.Detail
		}
		if e.Done {
			stage.done, stage.elapsed = true, e.Elapsed
		}
	}
}

// finishLoginStages marks the stages still open as done at the login's elapsed
// time at: the engine reports entering a stage, and only sometimes its end.
func (p *progress) finishLoginStages(at time.Duration) {
	for _, s := range p.login {
		if !s.done {
			s.done, s.elapsed = true, max(at-s.started, 0)
		}
	}
}

// running reports whether any step is in progress (a spinner is visible).
func (p *progress) running() bool {
	for _, st := range p.states {
		if st.running {
			return true
		}
	}
	return false
}

// liveElapsed is the engine's latest elapsed plus the time since that event.
func (st *stepState) liveElapsed(now time.Time) time.Duration {
	if !st.running || st.at.IsZero() {
		return st.elapsed
	}
	return st.elapsed + now.Sub(st.at)
}
