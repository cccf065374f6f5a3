package steps_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/internal/sandboxtest"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
	"github.com/atlas-iam/atlas-iam/steps"
)

// script is a Prompter whose answers come from functions the test sets; a
// question without one fails the test. It records what was asked, in order.
type script struct {
	t         *testing.T
	asked     []string
	platform  func(steps.PlatformRequest) (string, error)
	principal func(steps.PrincipalRequest) (steps.PrincipalView, error)
	access    func(steps.AccessRequest) (steps.Access, error)
	review    func(steps.ReviewRequest) (bool, error)
	failure   func(steps.FailureRequest) (steps.Choice, error)
	creds     func(context.Context, steps.CredentialsRequest) (steps.AtlasCredentialsInput, error)
}

func (s *script) note(q string) { s.asked = append(s.asked, q) }

func (s *script) Begin(context.Context, steps.Overview) error { s.note("begin"); return nil }
func (s *script) AtlasCredentials(ctx context.Context, r steps.CredentialsRequest) (steps.AtlasCredentialsInput, error) {
	s.note("credentials")
	if s.creds == nil {
		s.t.Fatal("unexpected AtlasCredentials question")
	}
	return s.creds(ctx, r)
}
func (s *script) Project(context.Context, steps.ProjectRequest) (steps.ProjectOption, error) {
	s.t.Fatal("unexpected Project question")
	return steps.ProjectOption{}, nil
}
func (s *script) Platform(_ context.Context, r steps.PlatformRequest) (string, error) {
	s.note("platform")
	return s.platform(r)
}
func (s *script) Principal(_ context.Context, r steps.PrincipalRequest) (steps.PrincipalView, error) {
	s.note("principal")
	return s.principal(r)
}
func (s *script) Access(_ context.Context, r steps.AccessRequest) (steps.Access, error) {
	s.note("access")
	return s.access(r)
}
func (s *script) Review(_ context.Context, r steps.ReviewRequest) (bool, error) {
	s.note("review")
	return s.review(r)
}
func (s *script) Network(context.Context, steps.NetworkRequest) (bool, error) {
	s.note("network")
	return false, nil
}
func (s *script) Failure(_ context.Context, r steps.FailureRequest) (steps.Choice, error) {
	s.note("failure:" + string(r.Diagnosis.Code))
	if s.failure == nil {
		return steps.ChoiceQuit, nil
	}
	return s.failure(r)
}

// defaults answers every question with what the engine preselected.
func defaults(t *testing.T) *script {
	return &script{t: t,
		platform:  func(r steps.PlatformRequest) (string, error) { return r.Detected, nil },
		principal: func(r steps.PrincipalRequest) (steps.PrincipalView, error) { return *r.Discovered, nil },
		access: func(r steps.AccessRequest) (steps.Access, error) {
			return steps.Access{Roles: r.Suggested, Cluster: r.Cluster, Scope: r.Scope}, nil
		},
		review: func(steps.ReviewRequest) (bool, error) { return true, nil },
	}
}

func interactive(t *testing.T, p awsapi.Platform, opts sandbox.Options) *sandbox.Sandbox {
	sb := sandboxtest.Start(t, opts)
	sandboxtest.Apply(t, sb, p, sandbox.EnvOptions{})
	return sb
}

func asked(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("asked %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("asked %v, want %v", got, want)
		}
	}
}

func TestEscGoesBackToTheQuestionBefore(t *testing.T) {
	interactive(t, awsapi.EC2, sandbox.Options{})
	s := defaults(t)
	backs := 1
	s.access = func(r steps.AccessRequest) (steps.Access, error) {
		if backs > 0 {
			backs--
			return steps.Access{}, steps.ErrBack
		}
		return steps.Access{Roles: r.Suggested, Cluster: r.Cluster}, nil
	}
	res, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Back from access re-asks the principal, then the flow goes on.
	asked(t, s.asked, "begin", "platform", "principal", "access", "principal", "access", "review")
	if res.User.Action != "created" {
		t.Errorf("user action %q", res.User.Action)
	}
}

func TestDecliningTheReviewGoesBackAndWritesNothing(t *testing.T) {
	sb := interactive(t, awsapi.EC2, sandbox.Options{})
	s := defaults(t)
	declined := false
	s.review = func(steps.ReviewRequest) (bool, error) {
		if !declined {
			declined = true
			return false, nil
		}
		return false, steps.ErrAborted
	}
	_, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName}, s, nil)
	if !errors.Is(err, steps.ErrAborted) {
		t.Fatalf("err = %v, want ErrAborted", err)
	}
	asked(t, s.asked, "begin", "platform", "principal", "access", "review", "access", "review")
	if users := sb.World().DBUsers(sb.World().PrimaryProject().ID); len(users) != 0 {
		t.Fatalf("a declined review wrote users: %v", users)
	}
}

// The engine trusts no prompter with an ARN: an answer that is neither the
// discovered principal nor a valid typed ARN is refused.
func TestPrincipalAnswersAreRevalidated(t *testing.T) {
	interactive(t, awsapi.EC2, sandbox.Options{})
	s := defaults(t)
	s.principal = func(steps.PrincipalRequest) (steps.PrincipalView, error) {
		return steps.PrincipalView{Input: "arn:aws:iam::123456789012:root", ARN: "arn:aws:iam::123456789012:root", Type: "USER"}, nil
	}
	_, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName}, s, nil)
	var d *diag.Diagnosis
	if !errors.As(err, &d) || d.Code != diag.InvalidARN {
		t.Fatalf("err = %v, want INVALID_ARN", err)
	}
	asked(t, s.asked, "begin", "platform", "principal", "failure:INVALID_ARN")
}

// A typed role ARN with a path is registered without it; the path is kept only
// for display.
func TestTypedRoleARNLosesItsPath(t *testing.T) {
	sb := interactive(t, awsapi.Workstation, sandbox.Options{})
	s := defaults(t)
	s.platform = func(steps.PlatformRequest) (string, error) { return "lambda", nil }
	s.principal = func(r steps.PrincipalRequest) (steps.PrincipalView, error) {
		if r.Discovered != nil {
			t.Errorf("workstation mode offered the workstation identity %v as the Lambda role", r.Discovered.ARN)
		}
		return r.Validate("arn:aws:iam::123456789012:role/service-role/lambda-app")
	}
	res, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName, NoConnect: true}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Principal.ARN != "arn:aws:iam::123456789012:role/lambda-app" || res.Principal.FullRoleARN != "arn:aws:iam::123456789012:role/service-role/lambda-app" {
		t.Fatalf("principal %+v", res.Principal)
	}
	if u := sb.World().DBUsers(sb.World().PrimaryProject().ID); len(u) != 1 || u[0].Username != res.Principal.ARN {
		t.Fatalf("users %v", u)
	}
}

// Retry after a failure runs the failed step again: here the user adds the
// missing access-list entry in Atlas while the diagnosis is on screen.
func TestRetryRunsTheFailedStepAgain(t *testing.T) {
	sb := interactive(t, awsapi.EC2, sandbox.Options{NetworkBlocked: true})
	s := defaults(t)
	s.failure = func(r steps.FailureRequest) (steps.Choice, error) {
		if r.Diagnosis.Code != diag.NetworkBlocked || !r.CanRetry || r.Step != steps.StepLogin {
			t.Fatalf("failure %+v", r)
		}
		w := sb.World()
		w.AddAccessListEntries(w.PrimaryProject().ID, []admin.NetworkPermissionEntry{{CidrBlock: admin.PtrString("127.0.0.1/32")}})
		return steps.ChoiceRetry, nil
	}
	res, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName, Timeout: time.Second}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	asked(t, s.asked, "begin", "platform", "principal", "access", "review", "network", "failure:NETWORK_BLOCKED")
	if res.Login == nil {
		t.Fatal("no login after the retry")
	}
}

// Without configured Atlas credentials the wizard asks for them; the request
// verifies them against the configured base URL, and the project still comes
// from MONGODB_ATLAS_PROJECT_ID.
func TestTypedAtlasCredentialsAreVerified(t *testing.T) {
	sb := interactive(t, awsapi.EC2, sandbox.Options{})
	t.Setenv("MONGODB_ATLAS_PUBLIC_API_KEY", "")
	t.Setenv("MONGODB_ATLAS_PRIVATE_API_KEY", "")
	key := sb.World().APIKey()
	s := defaults(t)
	s.creds = func(ctx context.Context, r steps.CredentialsRequest) (steps.AtlasCredentialsInput, error) {
		bad := steps.AtlasCredentialsInput{Kind: "api-key", PublicKey: key.PublicKey, PrivateKey: "not-the-key"}
		if err := r.Verify(ctx, bad); err == nil {
			t.Fatal("a wrong private key verified")
		}
		good := steps.AtlasCredentialsInput{Kind: "api-key", PublicKey: key.PublicKey, PrivateKey: key.PrivateKey}
		if err := r.Verify(ctx, good); err != nil {
			t.Fatalf("the right key did not verify: %v", err)
		}
		return good, nil
	}
	res, err := engine().Setup(context.Background(), steps.Inputs{Cluster: world.ClusterName}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	asked(t, s.asked, "begin", "credentials", "platform", "principal", "access", "review")
	if res.Project.ID != sb.World().PrimaryProject().ID {
		t.Errorf("project %+v", res.Project)
	}
}
