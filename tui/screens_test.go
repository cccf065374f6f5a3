package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// screenCase brings the wizard to one screen in one state with a scripted
// engine and, optionally, keystrokes.
type screenCase struct {
	name  string
	run   Runner
	keys  func(h *harness)
	wait  []string // what the screen shows once it is in the state
	whole []string // long strings that must be on the screen, whole
}

func ask(f func(ctx context.Context, p steps.Prompter) error) Runner {
	return func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		if err := f(ctx, p); err != nil {
			return nil, err
		}
		return hold(ctx)
	}
}

func events(evs ...steps.Event) Runner {
	return func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		for _, e := range evs {
			emit(e)
		}
		return hold(ctx)
	}
}

var doneAtlasProject = []steps.Event{
	steps.StepStarted{Step: steps.StepAtlas, Title: "Atlas access"},
	steps.StepDone{Step: steps.StepAtlas, Status: steps.StatusOK, Summary: "API key abcdefgh (environment)", Elapsed: 400 * time.Millisecond},
	steps.StepStarted{Step: steps.StepProject, Title: "Project"},
	steps.StepDone{Step: steps.StepProject, Status: steps.StatusOK, Summary: "orders (5f1a2b3c4d5e6f7a8b9c0d1e)", Elapsed: 2 * time.Second},
}

func screenCases() []screenCase {
	credentials := func(verify func(context.Context, steps.AtlasCredentialsInput) error) Runner {
		return ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.AtlasCredentials(ctx, steps.CredentialsRequest{
				Reason: "No Atlas API credentials were found in the environment or in the Atlas CLI profile.",
				Verify: verify,
			})
			return err
		})
	}
	typeCredentials := func(h *harness) {
		h.typeText("abcdefgh")
		h.press(tea.KeyEnter)
		h.typeText("0123-secret-4567")
		h.press(tea.KeyEnter)
	}
	projects := makeProjects(10_000)
	project := func(pre string, gated bool) Runner {
		return ask(func(ctx context.Context, p steps.Prompter) error {
			var release chan struct{}
			if gated {
				release = make(chan struct{}) // never released: loading stays in progress
			}
			_, err := p.Project(ctx, steps.ProjectRequest{Preselected: pre, Pages: streamProjects(ctx, projects, 1200, release)})
			return err
		})
	}
	principal := func(r steps.PrincipalRequest) Runner {
		return ask(func(ctx context.Context, p steps.Prompter) error { _, err := p.Principal(ctx, r); return err })
	}
	ldapStarted := append(append([]steps.Event{}, doneAtlasProject...), steps.StepStarted{Step: steps.StepLDAP, Title: "LDAP authorization check"})
	loginStages := append(append([]steps.Event{}, doneAtlasProject...),
		steps.StepStarted{Step: steps.StepLogin, Title: "Live login"},
		steps.LoginProgress{Stage: "credentials", Detail: "EC2RoleProvider", Done: true, Elapsed: 80 * time.Millisecond},
		steps.LoginProgress{Stage: "connect", Detail: "orders-production-cluster-0.abcde.mongodb.net", Done: true, Elapsed: 300 * time.Millisecond},
		steps.LoginProgress{Stage: "authenticate", Detail: "MONGODB-AWS as " + longSessionARN},
	)
	tab := func(n int) func(h *harness) {
		return func(h *harness) {
			for range n {
				h.press(tea.KeyTab)
			}
		}
	}

	return []screenCase{
		{name: "overview", run: ask(func(ctx context.Context, p steps.Prompter) error { return p.Begin(ctx, overviewFixture()) }),
			wait: []string{"The plan"}, whole: []string{longSessionARN}},
		{name: "credentials_empty", run: credentials(nil), wait: []string{"Public key"}},
		{name: "credentials_verifying", run: credentials(func(ctx context.Context, _ steps.AtlasCredentialsInput) error {
			<-ctx.Done()
			return ctx.Err()
		}), keys: typeCredentials, wait: []string{"Checking the credentials"}},
		{name: "credentials_rejected", run: credentials(func(context.Context, steps.AtlasCredentialsInput) error { return errRejected }),
			keys: typeCredentials, wait: []string{"rejected"}},
		{name: "project_loading", run: project("", true), wait: []string{"loaded 1,200 of 10,000", "proj-0000"}},
		{name: "project_filtered", run: project("", false), keys: func(h *harness) {
			h.waitView("10,000 projects")
			h.typeText("PROJ-999")
		}, wait: []string{"10 matching", "proj-9990"}},
		{name: "project_preselected", run: project(projects[7].ID, false), wait: []string{"(preselected)", "10,000 projects"}},
		{name: "ldap_running", run: events(ldapStarted...), wait: []string{"LDAP authorization check"}},
		{name: "ldap_unknown", run: events(append(ldapStarted, steps.StepDone{Step: steps.StepLDAP, Status: steps.StatusUnknown,
			Summary: "could not read the LDAP settings", Elapsed: 300 * time.Millisecond,
			Diagnosis: diag.New(diag.LDAPUnknown, "the API key may not read userSecurity (needs Project Owner)").
				WithFix("grant the key Project Owner, or check LDAP authorization in the Atlas UI")})...),
			wait: []string{"LDAP_UNKNOWN"}},
		{name: "ldap_blocked", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Failure(ctx, ldapBlockedFixture())
			return err
		}), wait: []string{"Blocked", "Pick another project"}},
		{name: "platform", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Platform(ctx, platformFixture())
			return err
		}),
			wait: []string{"Checklist for EC2 instance"}},
		{name: "principal_discovered", run: principal(steps.PrincipalRequest{Platform: "ec2", Discovered: discoveredFixture(), Validate: validateARN}),
			wait: []string{"Use the discovered principal"}, whole: []string{longSessionARN, longRoleARN, longPathRoleARN}},
		{name: "principal_typed_valid", run: principal(steps.PrincipalRequest{Platform: "lambda", Validate: validateARN,
			Note: "This is not the Lambda function; type the role ARN of the function."}),
			keys: func(h *harness) { h.typeText(longPathRoleARN) }, wait: []string{"✓ valid"}, whole: []string{longPathRoleARN, longRoleARN}},
		{name: "principal_typed_invalid", run: principal(steps.PrincipalRequest{Platform: "lambda", Validate: validateARN}),
			keys: func(h *harness) { h.typeText("arn:aws:sts::123456789012:federated-user/bob") }, wait: []string{"not an IAM role", "use the form"}},
		{name: "principal_candidates", run: principal(steps.PrincipalRequest{Platform: "ecs", Validate: validateARN,
			Note: "Roles that ECS tasks can assume:",
			Candidates: []steps.RoleCandidate{
				{ARN: "arn:aws:iam::123456789012:role/orders-task", Name: "orders-task", Path: "/", TrustedBy: []string{"ecs-tasks.amazonaws.com"}, TrustsYou: true},
				{ARN: longPathRoleARN, Name: "atlas-iam-application-runtime-role-for-orders", Path: "/service-role/team-payments/production/", TrustedBy: []string{"ecs-tasks.amazonaws.com"}},
			}}), keys: func(h *harness) { h.press(tea.KeyDown) }, wait: []string{"Trusted by", "trusts you"}, whole: []string{longPathRoleARN}},
		{name: "access_default", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Access(ctx, accessFixture())
			return err
		}),
			wait: []string{"readWrite@orders", "Limit the user"}},
		{name: "access_invalid", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Access(ctx, accessFixture())
			return err
		}),
			keys: func(h *harness) {
				h.waitView("Limit the user")
				h.press(tea.KeyTab, tea.KeyDown, tea.KeyEnter) // add "read@" from the catalogue
				h.press(tea.KeyEnter)
			}, wait: []string{"needs a database"}},
		{name: "review_create", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Review(ctx, reviewFixture("create"))
			return err
		}),
			wait: []string{"Create the user"}, whole: []string{longRoleARN, longAtlasCLI}},
		{name: "review_update", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Review(ctx, reviewFixture("update"))
			return err
		}),
			wait: []string{"Update the user", "+ role readWrite@orders"}, whole: []string{longRoleARN, longAtlasCLI}},
		{name: "deploy_waiting", run: events(append(append([]steps.Event{}, doneAtlasProject...),
			steps.StepStarted{Step: steps.StepUser, Title: "Database user"},
			steps.StepDone{Step: steps.StepUser, Status: steps.StatusOK, Summary: "created " + longRoleARN, Elapsed: 900 * time.Millisecond},
			steps.StepStarted{Step: steps.StepDeploy, Title: "Waiting for the deployment"},
			steps.Progress{Step: steps.StepDeploy, Message: "orders-production-cluster-0 is PENDING", Elapsed: 12 * time.Second},
		)...), wait: []string{"PENDING (12s)"}, whole: []string{longRoleARN}},
		{name: "network", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Network(ctx, networkFixture())
			return err
		}),
			wait: []string{"Add 203.0.113.7/32"}},
		{name: "login_running", run: events(loginStages...), wait: []string{"MONGODB-AWS as"}, whole: []string{longSessionARN}},
		{name: "login_done", run: events(append(loginStages,
			steps.LoginProgress{Stage: "authenticate", Done: true, Elapsed: 150 * time.Millisecond},
			steps.LoginProgress{Stage: "ping", Done: true, Elapsed: 20 * time.Millisecond},
			steps.LoginProgress{Stage: "connectionStatus", Detail: longRoleARN + " with readWrite@orders", Done: true, Elapsed: 20 * time.Millisecond},
			steps.StepDone{Step: steps.StepLogin, Status: steps.StatusOK, Summary: "logged in as " + longRoleARN,
				Details: []string{"roles: readWrite@orders on $external"}, Elapsed: 600 * time.Millisecond},
		)...), wait: []string{"connectionStatus", "roles: readWrite@orders"}, whole: []string{longRoleARN}},
		{name: "failure_auth", run: ask(func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Failure(ctx, authFailureFixture())
			return err
		}),
			wait: []string{"USER_NOT_FOUND", "Retry"}},
		{name: "result_mongosh", run: resultRunner(), wait: []string{"AWS IAM authentication is set up"}, whole: []string{longMongosh}},
		{name: "result_connection", run: resultRunner(), keys: tab(1), wait: []string{"› Connection string"}, whole: []string{longConnString}},
		{name: "result_check", run: resultRunner(), keys: tab(2), wait: []string{"› Run this on the target"}, whole: []string{longCheckCmd}},
		{name: "result_snippet", run: resultRunner(), keys: func(h *harness) { h.press(tea.KeyRight, tea.KeyRight) }, wait: []string{"[Python]", "MongoClient("}, whole: []string{longConnString}},
	}
}

func resultRunner() Runner {
	return func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		return resultFixture(), nil
	}
}

// bring starts the wizard at size w×h and brings it to the case's screen.
func bring(t *testing.T, c screenCase, w, h int) (*harness, string) {
	t.Helper()
	hs := start(t, c.run, w, h)
	if c.keys != nil {
		// Keys go to the screen only once it is up.
		hs.waitView(firstMarker(c))
		c.keys(hs)
	}
	return hs, hs.waitView(c.wait...)
}

// firstMarker is something on the screen before the case's keys are pressed.
func firstMarker(c screenCase) string {
	switch {
	case strings.HasPrefix(c.name, "credentials"):
		return "Public key"
	case strings.HasPrefix(c.name, "project"):
		return "Pick the Atlas project"
	case strings.HasPrefix(c.name, "principal"):
		return "Which IAM principal"
	case strings.HasPrefix(c.name, "access"):
		return "Database access"
	case strings.HasPrefix(c.name, "result"):
		return "AWS IAM authentication is set up"
	}
	return ""
}

// TestScreens renders every screen in its states at 80×24 and compares it with
// its golden file (go test ./tui -run TestScreens -update rewrites them).
func TestScreens(t *testing.T) {
	for _, c := range screenCases() {
		t.Run(c.name, func(t *testing.T) {
			_, v := bring(t, c, 80, 24)
			teatest.RequireEqualOutput(t, []byte(v))
		})
	}
}

// TestScreenWidths renders every screen at 80×24 and 200×50 with long ARNs,
// commands and connection strings: no line may be wider than the terminal, the
// screen may not be taller, and every long string must be there whole once the
// wrapping is undone.
func TestScreenWidths(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		for _, c := range screenCases() {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				_, v := bring(t, c, size[0], size[1])
				lines := strings.Split(v, "\n")
				if len(lines) > size[1] {
					t.Errorf("%d lines on a %d-line terminal", len(lines), size[1])
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Errorf("line %d is %d cells wide (terminal %d): %q", i+1, w, size[0], l)
					}
				}
				flat := unwrap(v)
				for _, s := range c.whole {
					if !strings.Contains(flat, unwrap(s)) {
						t.Errorf("%q is not whole on the screen:\n%s", s, v)
					}
				}
			})
		}
	}
}

// unwrap undoes wrapping: no escapes, no whitespace, no line breaks.
func unwrap(s string) string {
	return strings.Join(strings.Fields(ansi.Strip(s)), "")
}
