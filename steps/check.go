package steps

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// CheckInputs are the inputs of `atlas-iam check`: a deployment of a project, or a
// connection string.
type CheckInputs struct {
	Profile, AWSProfile    string
	ProjectID, ProjectName string
	Cluster                string
	URI                    string
	Timeout                time.Duration
}

// CheckReport is the `check --json` document. It never holds a secret.
type CheckReport struct {
	OK               bool                   `json:"ok"`
	Identity         *awsenv.Identity       `json:"identity,omitempty"`
	Credentials      *awsenv.CredentialInfo `json:"credentials,omitempty"`
	Principal        *PrincipalView         `json:"principal,omitempty"`
	RegisteredUser   *UserView              `json:"registeredUser,omitempty"`
	ConnectionString string                 `json:"connectionString,omitempty"`
	URIFindings      []connect.URIFinding   `json:"uriFindings,omitempty"`
	Login            *LoginView             `json:"login,omitempty"`
	Diagnosis        *diag.Diagnosis        `json:"diagnosis,omitempty"`
	Warnings         []*diag.Diagnosis      `json:"warnings,omitempty"`
}

// Check is the read-only live login: who am I, which user should I land on, and
// does MONGODB-AWS work — with a diagnosis when it does not. It never writes.
func (e *Engine) Check(ctx context.Context, ci CheckInputs, emit Emit) (*CheckReport, error) {
	in := Inputs{Profile: ci.Profile, AWSProfile: ci.AWSProfile, ProjectID: ci.ProjectID, ProjectName: ci.ProjectName, Cluster: ci.Cluster, Timeout: ci.Timeout, Yes: true}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if ci.URI == "" && ci.Cluster == "" {
		return nil, usagef("check needs --cluster NAME (with the project from --project-id, --project or MONGODB_ATLAS_PROJECT_ID) or --uri")
	}
	if ci.URI != "" && ci.Cluster != "" {
		return nil, usagef("--uri and --cluster are mutually exclusive")
	}
	if emit == nil {
		emit = func(Event) {}
	}
	s := &setup{e: e, in: in, p: Headless{In: in}, emit: emit, asked: map[Step]bool{}, revisit: map[Step]bool{}, here: true, readOnly: true, skipLDAP: true}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.startBackground(ctx)
	if d, err := s.detect.wait(ctx); err == nil {
		s.platform = d.Platform
	}
	rep := &CheckReport{}
	err := s.check(ctx, ci, rep)
	rep.Warnings = s.warnings
	var d *diag.Diagnosis
	switch {
	case err == nil:
		rep.OK = true
	case errors.As(err, &d):
		rep.Diagnosis = d
	default:
		return rep, err
	}
	return rep, err
}

func (s *setup) check(ctx context.Context, ci CheckInputs, rep *CheckReport) error {
	a, err := s.aws.wait(ctx)
	if err != nil {
		return err
	}
	if a.chain != nil && a.err == nil {
		rep.Identity, rep.Credentials = &a.identity, &a.info
	}
	if ci.URI != "" {
		return s.checkURI(ctx, ci.URI, rep)
	}
	for _, step := range []func(context.Context) error{s.atlasStep, s.projectStep, s.checkTarget} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	uri, err := s.connectionString()
	if err != nil {
		return clusterNotReady(s.deployment, err.Error())
	}
	rep.ConnectionString, rep.Principal = uri, &s.view
	if s.existing != nil {
		u := userView(*s.existing)
		rep.RegisteredUser = &u
	}
	if err := s.networkStep(ctx); err != nil {
		return err
	}
	if err := s.loginStep(ctx); err != nil {
		return err
	}
	if s.login != nil {
		rep.Login = &LoginView{User: s.login.User, DB: s.login.DB, Roles: roleNames(s.login.Roles), ServerVersion: s.login.ServerVersion, Elapsed: s.login.Elapsed}
	}
	for _, w := range s.warnings {
		if w.Code == diag.UserNotFound { // logged in as somebody else
			return w
		}
	}
	return nil
}

// checkTarget resolves the deployment and the user this identity should land on.
func (s *setup) checkTarget(ctx context.Context) error {
	r := s.start(StepPrincipal, "Identity and database user")
	a, _ := s.aws.wait(ctx)
	if a.err != nil {
		return r.fail(awsDiagnosis(a.err, s.platform))
	}
	v, d := s.discoveredView(ctx, a)
	if d != nil {
		return r.fail(d)
	}
	s.view = v
	deps, err := s.reads.deployments.wait(ctx)
	if err != nil {
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	found := false
	for _, dep := range deps {
		if dep.Name == s.in.Cluster {
			s.deployment, found = dep, true
		}
	}
	if !found {
		return r.fail(diag.New(diag.ClusterNotFound, "project "+s.project.Name+" has no deployment named "+s.in.Cluster).
			WithEvidence("deployments: " + deploymentList(deps)).WithFix("Pass one of them with --cluster."))
	}
	u, err := s.reads.user(ctx, s, v.ARN).wait(ctx)
	if err != nil {
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	s.existing = u
	registered := UserView{Username: v.ARN, IAMType: v.Type}
	summary := v.Type + " " + v.ARN + ": no database user registered"
	if u != nil {
		registered = userView(*u)
		summary = v.Type + " " + v.ARN + ": registered with " + fmt.Sprint(registered.Roles)
	}
	s.outcome = UserOutcome{Action: "unchanged", User: registered}
	r.done(StatusOK, summary, "from "+v.Source)
	return nil
}

// checkURI logs in with a connection string the user gave, after checking it.
func (s *setup) checkURI(ctx context.Context, uri string, rep *CheckReport) error {
	r := s.start(StepLogin, "Connection string")
	report := connect.CheckURI(uri)
	rep.URIFindings = report.Findings
	if !report.OK() {
		d := diag.New(diag.AuthFailed, "the connection string cannot work with MONGODB-AWS")
		for _, f := range report.Findings {
			d.WithEvidence(string(f.Severity) + ": " + f.Message)
			if f.Fix != "" {
				d.WithFix(f.Fix)
			}
		}
		return r.fail(d)
	}
	rep.ConnectionString = uri
	r.done(StatusOK, "connection string is valid for MONGODB-AWS")
	a, _ := s.aws.wait(ctx)
	if a.err != nil {
		return awsDiagnosis(a.err, s.platform)
	}
	if v, d := s.discoveredView(ctx, a); d == nil {
		s.view, rep.Principal = v, &v
		s.outcome = UserOutcome{User: UserView{Username: v.ARN, IAMType: v.Type}}
	}
	lr := s.start(StepLogin, "Live MONGODB-AWS login")
	timeout := min(s.in.Timeout, connect.DefaultLoginTimeout)
	res, err := s.e.Login(ctx, connect.LoginRequest{URI: uri, Provider: a.provider(), Timeout: timeout,
		Progress: func(stage connect.Stage, detail string) {
			s.emit(LoginProgress{Stage: string(stage), Detail: detail})
		}})
	if err != nil {
		dc := connect.DiagnoseContext{ExpectedPrincipal: a.identity.ARN, RegisteredUser: s.view.ARN, RegisteredType: s.view.Type,
			CredentialSource: a.info.Source, CredentialExpiry: a.info.Expires}
		d := connect.Diagnose(err, dc)
		if d == nil {
			d = diag.New(diag.AuthFailed, "the live login failed").WithEvidence(firstLine(err.Error()))
		}
		return lr.fail(d)
	}
	s.login = &res
	rep.Login = &LoginView{User: res.User, DB: res.DB, Roles: roleNames(res.Roles), ServerVersion: res.ServerVersion, Elapsed: res.Elapsed}
	lr.done(StatusOK, "logged in as "+res.User)
	return nil
}
