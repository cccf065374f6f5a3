package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// TemporaryUserLifetime is how long a --temporary-user lives (Atlas allows a week).
const TemporaryUserLifetime = 6 * time.Hour

// writeRoles are the Atlas roles that may create and update database users.
var writeRoles = []string{"GROUP_OWNER", "GROUP_DATABASE_ACCESS_ADMIN", "GROUP_CHARTS_ADMIN", "GROUP_STREAM_PROCESSING_OWNER", "ORG_OWNER"}

// userStep creates the database user, or shows how an existing one differs and
// updates it only when confirmed (--update headless). Reads come first; a second
// identical run writes nothing.
func (s *setup) userStep(ctx context.Context) error {
	r := s.start(StepUser, "Database user")
	want := s.wantedUser()
	req := ReviewRequest{Action: "create", Wanted: userView(want)}
	if cmd, err := connect.AtlasCLICommand(want); err == nil {
		req.AtlasCLICommand = cmd
	}
	if s.existing != nil {
		cur := userView(*s.existing)
		req.Current = &cur
		req.Action = "update"
		if d := atlas.DiffUser(*s.existing, want); d.Empty() {
			req.Action = "unchanged"
		} else {
			req.Diff = d.Lines()
		}
	}
	if req.Action == "unchanged" {
		s.outcome = UserOutcome{Action: "unchanged", User: req.Wanted}
		r.done(StatusOK, "user "+want.Username+" already exists with these roles: nothing to change")
		return s.temporaryUser(ctx, r)
	}

	ok, err := s.p.Review(ctx, req)
	if err != nil {
		return err
	}
	s.asked[StepUser] = true
	if !ok {
		if !s.in.Yes {
			return ErrBack
		}
		return r.fail(diag.New(diag.UserDiffers, "user "+want.Username+" exists with other roles or scopes; nothing was changed").
			WithEvidence(req.Diff...).
			WithFix("Rerun with --update to apply exactly these roles and scopes, or pass the current ones with --role."))
	}
	if d := s.keyCannotWrite(); d != nil {
		return r.fail(d)
	}
	if err := s.writeUser(ctx, want, req.Action); err != nil {
		if errors.Is(err, errConflict) {
			// Someone created it between our read and our write: read again.
			s.reads.forget(want.Username)
			if s.existing, err = s.reads.user(ctx, s, want.Username).wait(ctx); err == nil {
				return s.userStep(ctx)
			}
		}
		return r.fail(s.writeDiagnosis(err, want))
	}
	r.done(StatusOK, fmt.Sprintf("user %s %s", want.Username, s.outcome.Action), req.Diff...)
	return s.temporaryUser(ctx, r)
}

var errConflict = errors.New("user already exists")

func (s *setup) writeUser(ctx context.Context, want admin.CloudDatabaseUser, action string) error {
	var err error
	if action == "create" {
		_, err = s.api.CreateDatabaseUser(ctx, s.project.ID, want)
		if atlas.IsConflict(err) {
			return errConflict
		}
	} else {
		_, err = s.api.UpdateDatabaseUser(ctx, s.project.ID, want)
	}
	if err != nil {
		return err
	}
	s.reads.forget(want.Username)
	s.outcome = UserOutcome{Action: action + "d", User: userView(want)}
	return nil
}

// keyCannotWrite fails early, before any write, when the key's listed roles on
// the project cannot change database users.
func (s *setup) keyCannotWrite() *diag.Diagnosis {
	roles := s.identity.ProjectRoles(s.project.ID)
	for _, r := range s.identity.Roles {
		if r.GroupID == "" && r.OrgID != "" {
			roles = append(roles, r.RoleName)
		}
	}
	if len(roles) == 0 {
		return nil // unknown (e.g. a service account): let Atlas decide
	}
	for _, r := range roles {
		if slices.Contains(writeRoles, r) {
			return nil
		}
	}
	c, _ := s.credsF().wait(context.Background())
	return diag.New(diag.AtlasKeyRole, "the "+describeKey(c)+" may not create database users in "+s.project.Name).
		WithEvidence(fmt.Sprintf("key roles: %v", roles)).
		WithFix("Give the key Project Owner (or Project Database Access Admin) on "+s.project.Name+": Project Access Manager → Applications → API Keys.",
			"Or ask a project owner to run: atlas dbusers create … (the command is shown in the review).")
}

func (s *setup) writeDiagnosis(err error, want admin.CloudDatabaseUser) *diag.Diagnosis {
	c, _ := s.credsF().wait(context.Background())
	switch {
	case atlas.IsInvalidARN(err):
		return diag.New(diag.InvalidARN, "Atlas rejected the ARN "+want.Username).
			WithEvidence("Atlas answered: " + firstLine(err.Error())).
			WithFix("Register an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME) or role ARN (arn:aws:iam::ACCOUNT:role/NAME).")
	case atlas.IsForbiddenRole(err):
		return diag.New(diag.AtlasKeyRole, "the "+describeKey(c)+" may not create database users in "+s.project.Name).
			WithEvidence("Atlas answered: " + firstLine(err.Error())).
			WithFix("Give the key Project Owner (or Project Database Access Admin) on " + s.project.Name + ".")
	}
	var ae *atlas.Error
	if errors.As(err, &ae) && ae.Status == 400 {
		return diag.New(diag.InvalidARN, "Atlas refused the database user").
			WithEvidence("Atlas answered: " + firstLine(err.Error())).
			WithFix("Fix the input named in Atlas's answer and run again.")
	}
	return atlasAccessDiagnosis(err, c)
}

func userView(u admin.CloudDatabaseUser) UserView {
	v := UserView{Username: u.Username, IAMType: u.GetAwsIAMType(), Roles: atlas.FormatRoles(u.GetRoles()), DeleteAfter: u.DeleteAfterDate}
	for _, sc := range u.GetScopes() {
		v.Scopes = append(v.Scopes, atlas.FormatScope(sc))
	}
	return v
}

// temporaryUser prepares the live test in workstation mode: assume the target
// role where its trust policy allows, else (with --temporary-user) register this
// machine's identity as a user that deletes itself.
func (s *setup) temporaryUser(ctx context.Context, r *stepReport) error {
	if s.here || s.in.NoConnect {
		return nil
	}
	a, _ := s.aws.wait(ctx)
	if a.chain == nil {
		s.assume = &assumed{err: a.err}
		return nil
	}
	target := s.view.FullRoleARN
	if target == "" {
		target = s.view.ARN
	}
	if s.view.Type == string(awsenv.TypeRole) {
		p, id, err := a.chain.AssumeRole(ctx, target, awsenv.DefaultSessionName)
		s.assume = &assumed{provider: p, identity: id, err: err}
		if err == nil {
			return nil
		}
	} else {
		s.assume = &assumed{err: fmt.Errorf("%s is an IAM user: its keys are not on this machine", s.view.ARN)}
	}
	if !s.in.TemporaryUser || a.err != nil {
		return nil
	}
	me, err := awsenv.Normalize(a.identity.ARN, awsenv.Discovered)
	if err != nil {
		return r.fail(diag.New(diag.InvalidARN, "this machine's identity cannot be registered: "+err.Error()))
	}
	until := s.e.Now().Add(TemporaryUserLifetime).UTC().Truncate(time.Second)
	tu := atlas.NewIAMUser(s.project.ID, me.ARN, atlas.IAMType(me.Type), s.roles,
		atlas.Scopes(s.deployment.Name, s.deployment.Kind), &until, "atlas-iam temporary login test")
	existing, err := s.reads.user(ctx, s, me.ARN).wait(ctx)
	if err != nil {
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	if existing == nil {
		if _, err := s.api.CreateDatabaseUser(ctx, s.project.ID, tu); err != nil && !atlas.IsConflict(err) {
			return r.fail(s.writeDiagnosis(err, tu))
		}
		s.reads.forget(me.ARN)
		s.emit(Progress{Step: StepUser, Message: "temporary user " + me.ARN + " created (deleted by Atlas at " + until.Format(time.RFC3339) + ")"})
	} else {
		tu = *existing
	}
	s.tempUser = &tu
	return nil
}
