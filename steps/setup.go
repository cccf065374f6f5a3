package steps

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// setup is one run of the setup flow: what is known so far and the background
// reads still in flight.
type setup struct {
	e    *Engine
	in   Inputs
	p    Prompter
	emit Emit

	// readOnly and skipLDAP trim the project reads to what check and doctor use.
	readOnly, skipLDAP bool

	// Atlas side.
	atlasMu  sync.Mutex
	atlasF   atlasFutures
	api      AtlasAPI
	identity atlas.Identity
	asked    map[Step]bool // steps that asked the user something (targets of "back")
	revisit  map[Step]bool // steps to ask again even when flags answered them
	project  ProjectOption
	readsMu  sync.Mutex
	reads    *projectReads

	// AWS side.
	detect   *future[awsenv.Detection]
	aws      *future[awsSide]
	platform awsenv.Platform
	here     bool // the tool runs where the application will, with its identity

	principal  awsenv.Principal
	view       PrincipalView
	candidates []awsenv.Role

	deployment atlas.Deployment
	roles      []admin.DatabaseUserRole
	scope      bool
	existing   *admin.CloudDatabaseUser
	outcome    UserOutcome
	tempUser   *admin.CloudDatabaseUser
	assume     *assumed // workstation mode: the target role's session, or why not

	network  networkState
	login    *connect.LoginResult
	tested   *TestedIdentity
	warnings []*diag.Diagnosis
}

// awsSide is what the AWS credential chain revealed.
type awsSide struct {
	chain    AWSChain
	info     awsenv.CredentialInfo
	identity awsenv.Identity
	err      error // credential or STS failure; the chain may still be set
}

// Setup runs the whole flow: register the principal as a $external database user
// and prove the login. It returns the result, or an error that is a *UsageError,
// a *diag.Diagnosis, ErrAborted or a context error.
func (e *Engine) Setup(ctx context.Context, in Inputs, p Prompter, emit Emit) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if emit == nil {
		emit = func(Event) {}
	}
	s := &setup{e: e, in: in, p: p, emit: emit, asked: map[Step]bool{}, revisit: map[Step]bool{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops background reads nobody waits for any more
	s.startBackground(ctx)
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	if err := s.runSteps(ctx); err != nil {
		return nil, err
	}
	return s.result(ctx)
}

// stepFunc runs one step; it returns nil to go on, ErrBack to go back, or an
// error (a *diag.Diagnosis when it can be explained).
type stepFunc struct {
	step Step
	run  func(ctx context.Context) error
}

func (s *setup) runSteps(ctx context.Context) error {
	flow := []stepFunc{
		{StepAtlas, s.atlasStep},
		{StepProject, s.projectStep},
		{StepLDAP, s.ldapStep},
		{StepPlatform, s.platformStep},
		{StepPrincipal, s.principalStep},
		{StepAccess, s.accessStep},
		{StepUser, s.userStep},
		{StepDeploy, s.deployStep},
		{StepNetwork, s.networkStep},
		{StepLogin, s.loginStep},
	}
	for i := 0; i < len(flow); {
		err := flow[i].run(ctx)
		if err == nil {
			i++
			continue
		}
		if errors.Is(err, ErrBack) {
			i = s.backFrom(flow, i)
			continue
		}
		var d *diag.Diagnosis
		if !errors.As(err, &d) || ctx.Err() != nil {
			return err
		}
		choice, perr := s.p.Failure(ctx, FailureRequest{Step: flow[i].step, Diagnosis: d, CanRetry: retryable(d), CanBack: s.backFrom(flow, i) != i})
		if perr != nil {
			return perr
		}
		switch choice {
		case ChoiceRetry:
		case ChoiceBack:
			i = s.backFrom(flow, i)
		default:
			return err
		}
	}
	return nil
}

// backFrom finds the step to go back to: the nearest earlier step that asked (or
// can ask) the user something; it will ask again.
func (s *setup) backFrom(flow []stepFunc, i int) int {
	for j := i - 1; j >= 0; j-- {
		if st := flow[j].step; s.asked[st] || st == StepProject || st == StepPlatform || st == StepPrincipal || st == StepAccess {
			s.revisit[st] = true
			return j
		}
	}
	return i
}

// retryable says whether running the step again may help without changing input.
func retryable(d *diag.Diagnosis) bool {
	switch d.Code {
	case diag.InvalidARN, diag.UserDiffers, diag.LDAPAuthorization, diag.PathRole:
		return false
	}
	return true
}

// timed wraps a step with StepStarted/StepDone events.
type stepReport struct {
	s     *setup
	step  Step
	start time.Time
}

func (s *setup) start(step Step, title string) *stepReport {
	s.emit(StepStarted{Step: step, Title: title})
	return &stepReport{s: s, step: step, start: s.e.Now()}
}

func (r *stepReport) done(status Status, summary string, details ...string) {
	r.s.emit(StepDone{Step: r.step, Status: status, Summary: summary, Details: details, Elapsed: r.s.e.Now().Sub(r.start)})
}

// fail reports a failed step and returns its diagnosis as the error.
func (r *stepReport) fail(d *diag.Diagnosis) error {
	r.s.emit(StepDone{Step: r.step, Status: StatusFailed, Summary: d.Summary, Diagnosis: d, Elapsed: r.s.e.Now().Sub(r.start)})
	return d
}

// warn reports a step that passed with a warning and keeps the diagnosis.
func (r *stepReport) warn(summary string, d *diag.Diagnosis) {
	r.s.warnings = append(r.s.warnings, d)
	r.s.emit(StepDone{Step: r.step, Status: StatusWarning, Summary: summary, Diagnosis: d, Elapsed: r.s.e.Now().Sub(r.start)})
}

func (r *stepReport) progress(format string, args ...any) {
	r.s.emit(Progress{Step: r.step, Message: fmt.Sprintf(format, args...), Elapsed: r.s.e.Now().Sub(r.start)})
}

// provider is the AWS credential provider the live login uses.
func (a awsSide) provider() aws.CredentialsProvider {
	if a.chain == nil {
		return nil
	}
	return a.chain.Provider()
}
