package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// blockedLoginTimeout bounds the login when the access list already says this
// machine is not on it: the failure is expected, no need to wait long for it.
const blockedLoginTimeout = 10 * time.Second

// loginTarget is who the live login authenticates as and which user must match.
type loginTarget struct {
	provider   aws.CredentialsProvider
	tested     TestedIdentity
	registered UserView // the database user the login must land on
	source     string
	expires    time.Time
}

// loginStep proves the setup: connect with MONGODB-AWS, ping, connectionStatus.
func (s *setup) loginStep(ctx context.Context) error {
	r := s.start(StepLogin, "Live MONGODB-AWS login")
	if s.in.NoConnect {
		r.done(StatusSkipped, "--no-connect: live login skipped")
		return nil
	}
	t, skip := s.loginTarget(ctx)
	if skip != nil {
		r.warn(skip.Summary, skip)
		return nil
	}
	s.tested = &t.tested
	uri, err := s.connectionString()
	if err != nil {
		return r.fail(clusterNotReady(s.deployment, err.Error()))
	}
	timeout := min(s.in.Timeout, connect.DefaultLoginTimeout)
	if s.network.state == connect.AccessListMissing {
		timeout = min(timeout, blockedLoginTimeout)
	}
	res, err := s.loginWithRetry(ctx, r, uri, t, timeout)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return r.fail(s.diagnoseLogin(ctx, err, t))
	}
	s.login = &res
	want := connect.AtlasPrincipal(t.registered.Username, t.registered.IAMType)
	details := []string{"roles: " + strings.Join(roleNames(res.Roles), ", "), "tested identity: " + t.tested.ARN + " via " + t.tested.Via}
	if res.User != want {
		d := diag.New(diag.UserNotFound, "logged in as "+res.User+", not as the registered "+want).
			WithEvidence(details...).
			WithFix("The credentials used belong to another principal than the one registered; check which identity the application runs as.")
		r.warn(d.Summary, d)
		return nil
	}
	r.done(StatusOK, "logged in as "+res.User, details...)
	return nil
}

// loginWithRetry retries a "user not found" while the change may still be
// reaching the nodes: always for deployments without a change status, and
// briefly after a write for clusters.
func (s *setup) loginWithRetry(ctx context.Context, r *stepReport, uri string, t loginTarget, timeout time.Duration) (connect.LoginResult, error) {
	start := s.e.Now()
	patience := 15 * time.Second
	if !s.deployment.Kind.HasChangeStatus() {
		patience = s.in.Timeout
	}
	if s.outcome.Action != "created" && s.outcome.Action != "updated" && s.tempUser == nil {
		patience = 0
	}
	wait := s.e.PollInterval
	for {
		res, err := s.e.Login(ctx, connect.LoginRequest{URI: uri, Provider: t.provider, Timeout: timeout,
			Progress: func(stage connect.Stage, detail string) {
				s.emit(LoginProgress{Stage: string(stage), Detail: detail, Elapsed: s.e.Now().Sub(start)})
			}})
		if err == nil || !isUserNotFound(err) || s.e.Now().Add(wait).Sub(start) > patience {
			return res, err
		}
		r.progress("user not deployed on %s yet, retrying", s.deployment.Name)
		if err := s.e.Sleep(ctx, wait); err != nil {
			return res, err
		}
		wait = s.e.nextPoll(wait)
	}
}

func isUserNotFound(err error) bool {
	return strings.Contains(err.Error(), "UserNotFound") || strings.Contains(err.Error(), "Could not find user")
}

// loginTarget picks the identity of the live test: this machine's credentials on
// the platform itself; in workstation mode a session of the target role, or the
// temporary user; otherwise the test is skipped with the reason.
func (s *setup) loginTarget(ctx context.Context) (loginTarget, *diag.Diagnosis) {
	a, _ := s.aws.wait(ctx)
	view := s.outcome.User
	switch {
	case s.here:
		if a.err != nil {
			return loginTarget{}, awsDiagnosis(a.err, s.platform)
		}
		return loginTarget{provider: a.provider(), registered: view, source: a.info.Source, expires: a.info.Expires,
			tested: TestedIdentity{ARN: a.identity.ARN, Via: "this machine's credentials (" + a.info.Source + ")"}}, nil
	case s.assume != nil && s.assume.err == nil:
		return loginTarget{provider: s.assume.provider, registered: view, source: "sts:AssumeRole",
			tested: TestedIdentity{ARN: s.assume.identity.ARN, Via: "sts:AssumeRole into " + s.assumeTarget()}}, nil
	case s.tempUser != nil:
		return loginTarget{provider: a.provider(), registered: userView(*s.tempUser), source: a.info.Source, expires: a.info.Expires,
			tested: TestedIdentity{ARN: a.identity.ARN, Via: "temporary user " + s.tempUser.Username + " (proves cluster, network and mechanism, not the target role)"}}, nil
	}
	d := diag.New(diag.AssumeRoleDenied, "the live login was not run: this machine cannot act as "+s.view.ARN).
		WithFix("Run this on the target ("+s.platform.Title()+"): "+s.checkCommand(),
			"Or rerun with --temporary-user to prove the cluster, the network and the mechanism with this machine's identity.")
	if s.assume != nil && s.assume.err != nil {
		var ad *awsenv.AccessDeniedError
		if errors.As(s.assume.err, &ad) {
			d.WithEvidence("sts:AssumeRole into " + s.assumeTarget() + " was denied: " + ad.Message)
		} else {
			d.WithEvidence(firstLine(s.assume.err.Error()))
		}
	}
	return loginTarget{}, d
}

func (s *setup) assumeTarget() string {
	if s.view.FullRoleARN != "" {
		return s.view.FullRoleARN
	}
	return s.view.ARN
}

// diagnoseLogin explains a failed login with everything the run knows.
func (s *setup) diagnoseLogin(ctx context.Context, err error, t loginTarget) *diag.Diagnosis {
	dc := connect.DiagnoseContext{
		ExpectedPrincipal: t.tested.ARN,
		RegisteredUser:    t.registered.Username,
		RegisteredType:    t.registered.IAMType,
		Deployment:        s.deployment.Name,
		AccessList:        s.network.state,
		CredentialSource:  t.source,
		CredentialExpiry:  t.expires,
	}
	if s.network.ip.IsValid() {
		dc.ClientIP = s.network.ip.String()
	}
	if a, _ := s.aws.wait(ctx); a.err != nil {
		dc.STSError = a.err
	}
	// check and doctor found no user for this identity: say so rather than
	// describe the ARN it should have as registered, name a user registered with
	// the role's IAM path, and ignore a PENDING change, which cannot be its user's.
	noUser := s.readOnly && s.existing == nil
	if noUser {
		dc.RegisteredUser, dc.RegisteredType = "", ""
		if u, _ := s.registeredNearMiss(ctx); u != nil {
			dc.RegisteredUser, dc.RegisteredType = u.Username, u.GetAwsIAMType()
		}
	}
	if s.deployment.Kind.HasChangeStatus() && !noUser {
		if st, serr := s.api.ClusterStatus(ctx, s.project.ID, s.deployment.Name); serr == nil {
			dc.ChangeStatus = st
		}
	}
	if d := connect.Diagnose(err, dc); d != nil {
		return d
	}
	return diag.New(diag.AuthFailed, "the live login failed").WithEvidence(firstLine(err.Error()))
}

func (s *setup) connectionString() (string, error) {
	d := s.deployment
	cd := connect.Deployment{StandardSrv: d.StandardSrv, Standard: d.Standard}
	if len(d.Hostnames) > 0 && d.StandardSrv == "" && d.Standard == "" {
		cd.Host = d.Hostnames[0]
	}
	return connect.ConnectionString(cd, "")
}

func roleNames(rs []connect.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Role + "@" + r.DB
	}
	return out
}

func (s *setup) checkCommand() string {
	return fmt.Sprintf("atlas-iam check --project-id %s --cluster %s", s.project.ID, s.deployment.Name)
}
