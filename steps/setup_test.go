package steps_test

import (
	"context"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/internal/sandboxtest"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
	"github.com/atlas-iam/atlas-iam/steps"
)

func engine() *steps.Engine {
	e := steps.DefaultEngine(awsenv.OSEnv(), "test")
	e.PollInterval = 20 * time.Millisecond
	e.MaxPollInterval = 100 * time.Millisecond
	return e
}

func TestSetupHeadlessEveryPlatform(t *testing.T) {
	for _, p := range awsapi.Platforms() {
		t.Run(string(p), func(t *testing.T) {
			sb := sandboxtest.Start(t, sandbox.Options{Knobs: world.Knobs{DeployDelay: 50 * time.Millisecond}})
			sandboxtest.Apply(t, sb, p, sandbox.EnvOptions{})
			in := steps.Inputs{Roles: []string{"readWrite@app"}, Cluster: world.ClusterName, Yes: true}
			var events []steps.Event
			res, err := engine().Setup(context.Background(), in, steps.Headless{In: in}, func(e steps.Event) { events = append(events, e) })
			if err != nil {
				for _, e := range events {
					t.Logf("%#v", e)
				}
				t.Fatalf("setup: %v", err)
			}
			want := awsapi.Expect(p)
			if res.Principal.ARN != want.PrincipalARN {
				t.Errorf("registered %s, want %s", res.Principal.ARN, want.PrincipalARN)
			}
			if res.Login == nil {
				t.Fatalf("no login: %+v", res)
			}
			users := sb.World().DBUsers(sb.World().PrimaryProject().ID)
			if len(users) != 1 || users[0].Username != want.PrincipalARN {
				t.Errorf("world users: %+v", users)
			}
			t.Logf("%s: %s → %s (%s)", p, res.Principal.ARN, res.Login.User, res.Mongosh)
		})
	}
}
