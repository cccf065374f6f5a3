package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// DoctorCheck is one read-only check and what it found.
type DoctorCheck struct {
	Step      Step            `json:"step"`
	Title     string          `json:"title"`
	Status    Status          `json:"status"`
	Summary   string          `json:"summary"`
	Details   []string        `json:"details,omitempty"`
	Diagnosis *diag.Diagnosis `json:"diagnosis,omitempty"`
}

// DoctorReport is the `doctor --json` document.
type DoctorReport struct {
	OK     bool          `json:"ok"`
	Checks []DoctorCheck `json:"checks"`
}

// userLister is what doctor needs to spot users registered under a near-miss ARN.
type userLister interface {
	ListDatabaseUsers(ctx context.Context, projectID string) ([]admin.CloudDatabaseUser, error)
}

// Doctor runs every read-only check, each explained, and keeps going after a
// failure wherever the next check does not depend on it. It never writes.
func (e *Engine) Doctor(ctx context.Context, ci CheckInputs, emit Emit) (*DoctorReport, error) {
	in := Inputs{Profile: ci.Profile, AWSProfile: ci.AWSProfile, ProjectID: ci.ProjectID, ProjectName: ci.ProjectName, Cluster: ci.Cluster, Timeout: ci.Timeout, Yes: true}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	rep := &DoctorReport{OK: true}
	titles := map[Step]string{}
	record := func(ev Event) {
		if emit != nil {
			emit(ev)
		}
		switch ev := ev.(type) {
		case StepStarted:
			titles[ev.Step] = ev.Title
		case StepDone:
			rep.Checks = append(rep.Checks, DoctorCheck{Step: ev.Step, Title: titles[ev.Step], Status: ev.Status, Summary: ev.Summary, Details: ev.Details, Diagnosis: ev.Diagnosis})
			if ev.Status == StatusFailed {
				rep.OK = false
			}
		}
	}
	s := &setup{e: e, in: in, p: Headless{In: in}, emit: record, asked: map[Step]bool{}, revisit: map[Step]bool{}, here: true, readOnly: true}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.startBackground(ctx)
	if d, err := s.detect.wait(ctx); err == nil {
		s.platform = d.Platform
	}
	skip := func(step Step, title, why string) {
		record(StepStarted{Step: step, Title: title})
		record(StepDone{Step: step, Status: StatusSkipped, Summary: why})
	}
	// Each stage runs if its prerequisites held; a usage error or cancellation
	// stops everything.
	var stop error
	run := func(f func(context.Context) error) bool {
		if stop != nil {
			return false
		}
		err := f(ctx)
		var u *UsageError
		if errors.As(err, &u) || ctx.Err() != nil {
			stop = err
		}
		return err == nil
	}
	s.doctorStages(ctx, run, skip)
	return rep, stop
}

// doctorStages runs the checks in order, skipping those whose prerequisites failed.
func (s *setup) doctorStages(ctx context.Context, run func(func(context.Context) error) bool, skip func(Step, string, string)) {
	s.awsCheck(ctx)
	if !run(s.atlasStep) || !run(s.projectStep) {
		for _, st := range []Step{StepLDAP, StepUser, StepDeploy, StepNetwork, StepLogin} {
			skip(st, string(st), "needs Atlas access and a project")
		}
		return
	}
	run(s.ldapStep)
	deps, _ := s.reads.deployments.wait(ctx)
	if s.in.Cluster == "" && len(deps) == 1 {
		s.in.Cluster = deps[0].Name
	}
	if s.in.Cluster == "" {
		for _, st := range []Step{StepUser, StepDeploy, StepLogin} {
			skip(st, string(st), "choose the deployment with --cluster ("+deploymentList(deps)+")")
		}
		run(s.networkStep)
		return
	}
	if !run(s.checkTarget) {
		run(s.networkStep)
		skip(StepLogin, "Live MONGODB-AWS login", "needs AWS credentials and the deployment")
		return
	}
	s.nearMisses(ctx)
	run(s.deployStatus)
	run(s.networkStep)
	run(s.loginStep)
}

// awsCheck reports the credential chain: where the credentials come from and
// whether that fits the platform.
func (s *setup) awsCheck(ctx context.Context) {
	r := s.start(StepPlatform, "AWS credentials")
	a, _ := s.aws.wait(ctx)
	d, _ := s.detect.wait(ctx)
	if a.err != nil {
		r.fail(awsDiagnosis(a.err, d.Platform))
		return
	}
	details := []string{"platform: " + d.Platform.Title() + " (" + strings.Join(d.Evidence, "; ") + ")",
		"access key " + a.info.AccessKeyID, "sources: " + strings.Join(a.info.Sources, " → ")}
	if !a.info.Expires.IsZero() {
		details = append(details, "expires "+a.info.Expires.Format("2006-01-02 15:04:05 MST"))
	}
	for _, w := range d.Warnings {
		r.warn(w.Summary, w.Diagnosis().WithEvidence(details...))
		return
	}
	if ws := awsenv.CheckSourceFit(d.Platform, a.info.Source); len(ws) > 0 {
		r.warn(ws[0].Summary, ws[0].Diagnosis().WithEvidence(details...))
		return
	}
	r.done(StatusOK, a.info.Source+": "+a.identity.ARN, details...)
}

// nearMisses looks for users registered under an ARN this identity can never
// match: the same role with an IAM path.
func (s *setup) nearMisses(ctx context.Context) {
	if s.existing != nil || s.view.Type != string(awsenv.TypeRole) {
		return
	}
	l, ok := s.api.(userLister)
	if !ok {
		return
	}
	r := s.start(StepUser, "Registered users")
	users, err := l.ListDatabaseUsers(ctx, s.project.ID)
	if err != nil {
		r.done(StatusUnknown, "could not list database users: "+firstLine(err.Error()))
		return
	}
	if u := pathRoleUser(users, s.view); u != nil {
		r.fail(diag.New(diag.PathRole, "the role is registered with its IAM path ("+u.Username+"); this identity can never match it").
			WithEvidence("this identity authenticates as "+connect.AtlasPrincipal(s.view.ARN, "ROLE"),
				"Atlas maps the registered user to "+connect.AtlasPrincipal(u.Username, "ROLE")).
			WithFix("Register "+s.view.ARN+" (no path): atlas-iam setup --arn "+s.view.ARN+" --role …",
				"Then delete "+u.Username+" from Database Access."))
		return
	}
	r.fail(diag.New(diag.UserNotFound, "no $external database user for "+s.view.ARN).
		WithEvidence(fmt.Sprintf("%d database users in %s; none maps to this identity", len(users), s.project.Name)).
		WithFix("Run atlas-iam setup on this machine (or --arn " + s.view.ARN + ") to register it."))
}

// deployStatus reports the deployment's change status without waiting.
func (s *setup) deployStatus(ctx context.Context) error {
	r := s.start(StepDeploy, "Deployment")
	d := s.deployment
	if d.Paused {
		return r.fail(clusterNotReady(d, "the cluster is paused").WithFix("Resume " + d.Name + " in Atlas."))
	}
	if !d.Kind.HasChangeStatus() {
		r.done(StatusOK, fmt.Sprintf("%s is a %s deployment (state %s; no change status)", d.Name, d.Kind, d.StateName))
		return nil
	}
	st, err := s.api.ClusterStatus(ctx, s.project.ID, d.Name)
	if err != nil {
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	if st != "APPLIED" {
		d := diag.New(diag.UserNotDeployed, d.Name+" has user changes still "+st).
			WithEvidence("changeStatus " + st).WithFix("Wait for the deployment to finish; new users cannot log in while it is PENDING.")
		r.warn(d.Summary, d)
		return nil
	}
	r.done(StatusOK, fmt.Sprintf("%s: state %s, changes applied", d.Name, d.StateName))
	return nil
}
