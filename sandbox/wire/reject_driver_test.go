package wire

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestDriverRejections drives every failure the real driver can produce and checks
// what the client is told (code and message) and what the server logged (the
// real reason, which the client never sees).
func TestDriverRejections(t *testing.T) {
	cleanAWSEnv(t)
	const authFailedMsg = "Authentication failed."
	tests := []struct {
		name  string
		opts  world.Options
		setup func(t *testing.T, w *world.World) world.Credentials
		code  int32
		msg   string
		log   []string
	}{
		{
			name: "X-Amz-Date skewed more than 15 minutes", opts: world.Options{Knobs: world.Knobs{ClockSkew: 20 * time.Minute}},
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, devARN, "USER")
				return devKeys(t, w)
			},
			code: 18, msg: authFailedMsg, log: []string{"SignatureDoesNotMatch", "Signature expired", "15 min"},
		},
		{
			name: "expired session token", opts: world.Options{Knobs: world.Knobs{ExpireCredentials: true}},
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, appRoleARN, "ROLE")
				return ecsSession(t, w)
			},
			code: 18, msg: authFailedMsg, log: []string{"ExpiredToken", "The security token included in the request is expired"},
		},
		{
			name: "unknown access key",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, devARN, "USER")
				return world.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: "not-a-key-the-world-knows/0123456789+abc"}
			},
			code: 18, msg: authFailedMsg, log: []string{"awsId AKIAUNKNOWNUNKNOWN00", "InvalidClientTokenId"},
		},
		{
			name: "temporary key without its session token",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, appRoleARN, "ROLE")
				c := ecsSession(t, w)
				c.SessionToken = ""
				return c
			},
			code: 18, msg: authFailedMsg, log: []string{"InvalidClientTokenId", "The security token included in the request is invalid"},
		},
		{
			name: "identity without a database user",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				return devKeys(t, w)
			},
			code: 11, msg: `Could not find user "arn:aws:iam::123456789012:user/dev" for db "$external"`,
			log: []string{"UserNotFound", "no $external user maps to this principal"},
		},
		{
			name: "user registered with a path role ARN",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, "arn:aws:iam::123456789012:role/service-role/lambda-app", "ROLE")
				c, err := w.ServiceSession("lambda.amazonaws.com", world.RoleLambda, world.LambdaFunction)
				if err != nil {
					t.Fatal(err)
				}
				return c
			},
			code: 11, msg: `Could not find user "arn:aws:sts::123456789012:assumed-role/lambda-app/*" for db "$external"`,
			log: []string{"UserNotFound", "registered with a role path"},
		},
		{
			name: "user not deployed yet", opts: world.Options{Knobs: world.Knobs{DeployDelay: time.Hour}},
			setup: func(t *testing.T, w *world.World) world.Credentials {
				createIAMUser(t, w, devARN, "USER")
				return devKeys(t, w)
			},
			code: 11, msg: `Could not find user "arn:aws:iam::123456789012:user/dev" for db "$external"`,
			log: []string{"UserNotFound", "not deployed yet"},
		},
		{
			name: "account root",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				return w.IssueCallerKeys("arn:aws:iam::123456789012:root", false)
			},
			code: 18, msg: authFailedMsg, log: []string{"arn:aws:iam::123456789012:root", "only user is accepted"},
		},
		{
			name: "federated user",
			setup: func(t *testing.T, w *world.World) world.Credentials {
				return w.IssueCallerKeys("arn:aws:sts::123456789012:federated-user/alice", true)
			},
			code: 18, msg: authFailedMsg, log: []string{"federated-user/alice", "only assumed-role is accepted"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, srv := startServer(t, tc.opts)
			cred := keyCredential(tc.setup(t, w))
			client := connect(t, srv.Addr(), &cred, 2*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			err := client.Ping(ctx, nil)
			if err == nil {
				t.Fatal("ping succeeded; want an authentication error")
			}
			t.Logf("driver: %v", err)
			ce := serverError(t, err)
			if ce.Code != tc.code || ce.Message != tc.msg {
				t.Errorf("server said (%d) %q, want (%d) %q", ce.Code, ce.Message, tc.code, tc.msg)
			}
			if !strings.Contains(err.Error(), `unable to authenticate using mechanism "MONGODB-AWS"`) {
				t.Errorf("driver error %q is not an auth error", err)
			}
			requireLogged(t, w, append([]string{"Authentication failed (id 20249)"}, tc.log...)...)
			requireNoSecrets(t, w)
		})
	}
}

func devKeys(t *testing.T, w *world.World) world.Credentials {
	t.Helper()
	k, ok := w.UserCredentials(world.UserDev)
	if !ok {
		t.Fatal("no keys for dev")
	}
	return k
}

// ecsSession is an ECS task's role session for the app role.
func ecsSession(t *testing.T, w *world.World) world.Credentials {
	t.Helper()
	c, err := w.ServiceSession("ecs-tasks.amazonaws.com", world.RoleApp, world.ECSTaskID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
