package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/diag"
)

// platformStep settles where the application runs: --platform, or the detected
// platform (preselected when asking). When that is not where atlas-iam runs, the
// run is in workstation mode: it registers the target role and tests the login
// another way.
func (s *setup) platformStep(ctx context.Context) error {
	r := s.start(StepPlatform, "Platform")
	d, err := s.detect.wait(ctx)
	if err != nil {
		return err
	}
	chosen := awsenv.Platform(s.in.Platform)
	if chosen == "" || s.revisit[StepPlatform] {
		s.revisit[StepPlatform] = false
		if chosen == "" {
			chosen = d.Platform
		}
		if !s.in.Yes {
			s.asked[StepPlatform] = true
			opts := make([]PlatformOption, 0, len(awsenv.All()))
			for _, p := range awsenv.All() {
				opts = append(opts, PlatformOption{ID: string(p), Title: p.Title(), Checklist: p.Checklist()})
			}
			id, err := s.p.Platform(ctx, PlatformRequest{Options: opts, Detected: string(chosen), Evidence: d.Evidence})
			if err != nil {
				return err
			}
			if chosen, err = awsenv.ParsePlatform(id); err != nil {
				return err
			}
		}
	}
	s.platform = chosen
	s.here = samePlace(chosen, d.Platform)
	details := []string{}
	if s.here {
		details = append(details, "detected here: "+strings.Join(d.Evidence, "; "))
	} else {
		details = append(details, fmt.Sprintf("atlas-iam runs on %s, not on %s: the target role is registered and the login is tested by assuming it (or with --temporary-user)", d.Platform.Title(), chosen.Title()))
	}
	for _, c := range chosen.Checklist() {
		details = append(details, "checklist: "+c)
	}
	var warns []*diag.Diagnosis
	if s.here {
		a, _ := s.aws.wait(ctx)
		for _, w := range d.Warnings {
			warns = append(warns, w.Diagnosis())
		}
		if a.info.Source != "" {
			for _, w := range awsenv.CheckSourceFit(chosen, a.info.Source) {
				if !hasCode(warns, w.Code) { // detection already explained it
					warns = append(warns, w.Diagnosis())
				}
			}
		}
		for _, w := range warns {
			w.WithEvidence(sourceEvidence(d, a)...)
		}
	}
	if len(warns) > 0 {
		for _, w := range warns[1:] {
			s.warnings = append(s.warnings, w)
		}
		r.warn(chosen.Title()+": "+warns[0].Summary, warns[0])
		return nil
	}
	r.done(StatusOK, chosen.Title(), details...)
	return nil
}

// sourceEvidence is what a credential-source warning rests on: the platform
// signals and where the credentials really came from.
func sourceEvidence(d awsenv.Detection, a awsSide) []string {
	ev := []string{"platform signals: " + strings.Join(d.Evidence, "; ")}
	switch {
	case a.err != nil:
		ev = append(ev, "credentials: "+awsProblem(a.err))
	case a.info.Source != "":
		ev = append(ev, "credentials: "+a.info.Source+" (sources: "+strings.Join(a.info.Sources, " → ")+"), identity "+a.identity.ARN)
	}
	return ev
}

func hasCode(ds []*diag.Diagnosis, code diag.Code) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// samePlace says whether an application on platform want would use the identity
// atlas-iam sees on platform here. ECS on EC2 and on Fargate hand tasks their role
// the same way.
func samePlace(want, here awsenv.Platform) bool {
	ecs := func(p awsenv.Platform) bool { return p == awsenv.ECS || p == awsenv.Fargate }
	return want == here || (ecs(want) && ecs(here))
}

// principalStep settles the IAM ARN to register: the identity atlas-iam runs as
// (normalised), --arn, or — in workstation mode — a role the platform can assume.
func (s *setup) principalStep(ctx context.Context) error {
	r := s.start(StepPrincipal, "IAM principal")
	a, err := s.aws.wait(ctx)
	if err != nil {
		return err
	}
	var discovered *PrincipalView
	if s.here && a.err == nil {
		v, err := s.discoveredView(ctx, a)
		if err != nil {
			return r.fail(err)
		}
		discovered = &v
	}
	if s.here && a.err != nil && s.in.ARN == "" {
		return r.fail(awsDiagnosis(a.err, s.platform))
	}

	req := PrincipalRequest{Platform: string(s.platform), Discovered: discovered, Validate: typedView}
	ask := !s.in.Yes && (s.in.ARN == "" || s.revisit[StepPrincipal])
	if !s.here && ask {
		if a.err != nil {
			req.Note = "AWS credentials on this machine: " + awsProblem(a.err) + " — type the role ARN"
		} else if roles, err := a.chain.AssumableRoles(ctx, s.platform); err != nil {
			req.Note = "listing the account's roles failed (" + firstLine(err.Error()) + ") — type the role ARN"
		} else {
			s.candidates = roles
			for _, role := range roles {
				req.Candidates = append(req.Candidates, RoleCandidate{ARN: role.ARN, Name: role.Name, Path: role.Path, TrustedBy: role.TrustedBy, TrustsYou: role.TrustsCaller})
			}
			if len(roles) == 0 {
				req.Note = "no role of this account trusts " + s.platform.Title() + " — type the role ARN"
			}
		}
	}

	var view PrincipalView
	switch {
	case ask:
		s.revisit[StepPrincipal] = false
		s.asked[StepPrincipal] = true
		answer, err := s.p.Principal(ctx, req)
		if err != nil {
			return err
		}
		// The engine trusts no prompter with an ARN: the answer must be the
		// discovered identity, a listed role, or input that validates.
		if view, err = s.principalAnswer(answer, discovered); err != nil {
			return r.fail(diag.New(diag.InvalidARN, err.Error()))
		}
	case s.in.ARN != "":
		if view, err = typedView(s.in.ARN); err != nil {
			return &UsageError{Msg: "--arn: " + err.Error()}
		}
		view.Source = "--arn"
	case discovered != nil:
		view = *discovered
	default:
		return &UsageError{Msg: fmt.Sprintf("--arn is required: atlas-iam runs on %s, so it cannot discover the %s role; pass the role ARN (e.g. --arn arn:aws:iam::123456789012:role/my-app)", mustDetect(ctx, s).Title(), s.platform.Title())}
	}
	s.view = view
	s.principal, _ = awsenv.Normalize(view.ARN, awsenv.Typed)
	// Registering anything but this machine's own identity means the login must be
	// tested another way.
	if discovered != nil && view.ARN != discovered.ARN {
		s.here = false
	}
	details := append([]string{"from " + view.Source}, view.Changes...)
	if view.FullRoleARN != "" && view.FullRoleARN != view.ARN {
		details = append(details, "full role ARN: "+view.FullRoleARN)
	}
	r.done(StatusOK, view.Type+" "+view.ARN, details...)
	return nil
}

func mustDetect(ctx context.Context, s *setup) awsenv.Platform {
	d, _ := s.detect.wait(ctx)
	return d.Platform
}

// principalAnswer maps a prompter's answer onto what the engine offered.
func (s *setup) principalAnswer(answer PrincipalView, discovered *PrincipalView) (PrincipalView, error) {
	if discovered != nil && (answer.ARN == discovered.ARN || answer.Input == discovered.Input) {
		return *discovered, nil
	}
	for _, c := range s.candidates {
		if answer.ARN == c.ARN || answer.Input == c.ARN {
			v, err := typedView(c.ARN)
			v.Source = "IAM ListRoles (trusted by " + strings.Join(c.TrustedBy, ", ") + ")"
			return v, err
		}
	}
	input := answer.Input
	if input == "" {
		input = answer.ARN
	}
	return typedView(input)
}

// discoveredView normalises the identity STS reported.
func (s *setup) discoveredView(ctx context.Context, a awsSide) (PrincipalView, *diag.Diagnosis) {
	p, err := awsenv.Normalize(a.identity.ARN, awsenv.Discovered)
	if err != nil {
		var ae *awsenv.ARNError
		if errors.As(err, &ae) {
			return PrincipalView{}, ae.Diagnosis().WithEvidence("STS GetCallerIdentity returned " + a.identity.ARN + " (" + a.info.Source + ")")
		}
		return PrincipalView{}, diag.New(diag.InvalidARN, err.Error())
	}
	v := PrincipalView{Input: a.identity.ARN, ARN: p.ARN, Type: string(p.Type), Source: "STS GetCallerIdentity (" + a.info.Source + ")", Changes: p.Changes}
	if p.Type == awsenv.TypeRole {
		if rec, err := a.chain.RecoverRoleARN(ctx, s.e.Env, p); err == nil && rec.ARN != "" {
			v.FullRoleARN = rec.ARN
			if rec.Path != "" && rec.Path != "/" {
				v.Changes = append(v.Changes, fmt.Sprintf("the role's path %s (from %s) is not registered: role sessions never carry it", rec.Path, rec.From))
			}
		}
	}
	return v, nil
}

// typedView validates and normalises an ARN the user typed.
func typedView(input string) (PrincipalView, error) {
	p, err := awsenv.Normalize(input, awsenv.Typed)
	if err != nil {
		return PrincipalView{}, err
	}
	v := PrincipalView{Input: strings.TrimSpace(input), ARN: p.ARN, Type: string(p.Type), Source: "typed", Changes: p.Changes}
	if p.Type == awsenv.TypeRole && p.Path != "" && p.Path != "/" {
		v.FullRoleARN = v.Input
	}
	return v, nil
}

// awsDiagnosis explains a credential-chain or STS failure.
func awsDiagnosis(err error, p awsenv.Platform) *diag.Diagnosis {
	var ce *awsenv.CredentialError
	if errors.As(err, &ce) {
		return ce.Diagnosis()
	}
	var se *awsenv.STSError
	if errors.As(err, &se) {
		return se.Diagnosis()
	}
	return diag.New(diag.NoAWSCredentials, "no usable AWS credentials on "+p.Title()).WithEvidence(firstLine(err.Error()))
}

// loginProvider is set when the live login can use a role session instead of
// this machine's identity (workstation mode).
type assumed struct {
	provider aws.CredentialsProvider
	identity awsenv.Identity
	err      error
}
