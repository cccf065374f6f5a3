package wire

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// fixedProvider is the few-line adapter an application writes to hand its own
// credentials to the driver (options.Credential.AWSCredentialsProvider).
type fixedProvider struct{ c world.Credentials }

func (p fixedProvider) Retrieve(context.Context) (options.AWSCredentials, error) {
	return options.AWSCredentials{AccessKeyID: p.c.AccessKeyID, SecretAccessKey: p.c.SecretAccessKey, SessionToken: p.c.SessionToken, Source: "test"}, nil
}

// TestDriverLogsIn proves the real Go driver authenticates with MONGODB-AWS in the
// three ways applications hand it credentials, and that connectionStatus then
// names the principal MongoDB derives and the Atlas user's roles.
func TestDriverLogsIn(t *testing.T) {
	cleanAWSEnv(t)
	tests := []struct {
		name          string
		iamType, arn  string
		credential    func(t *testing.T, w *world.World) options.Credential
		wantPrincipal string
	}{
		{
			name: "long-term keys of IAM user dev", iamType: "USER", arn: devARN, wantPrincipal: devARN,
			credential: func(t *testing.T, w *world.World) options.Credential {
				k, ok := w.UserCredentials(world.UserDev)
				if !ok {
					t.Fatal("no keys for dev")
				}
				return keyCredential(k)
			},
		},
		{
			name: "temporary keys and AWS_SESSION_TOKEN of an ECS task", iamType: "ROLE", arn: appRoleARN, wantPrincipal: appPrincipal,
			credential: func(t *testing.T, w *world.World) options.Credential {
				c, err := w.ServiceSession("ecs-tasks.amazonaws.com", world.RoleApp, world.ECSTaskID)
				if err != nil {
					t.Fatal(err)
				}
				return keyCredential(c)
			},
		},
		{
			name: "AWSCredentialsProvider with a role session of dev", iamType: "ROLE", arn: appRoleARN, wantPrincipal: appPrincipal,
			credential: func(t *testing.T, w *world.World) options.Credential {
				c, err := w.AssumeRole(world.AssumeRoleRequest{RoleARN: appRoleARN, SessionName: "dev-laptop",
					Principal: world.Principal{Type: "AWS", ID: devARN}, Action: "sts:AssumeRole"})
				if err != nil {
					t.Fatal(err)
				}
				return options.Credential{AuthMechanism: "MONGODB-AWS", AWSCredentialsProvider: fixedProvider{c}}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, srv := startServer(t, world.Options{})
			createIAMUser(t, w, tc.arn, tc.iamType)
			cred := tc.credential(t, w)
			client := connect(t, srv.Addr(), &cred, 2*time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			if err := client.Ping(ctx, nil); err != nil {
				t.Fatalf("ping: %v", err)
			}
			st, err := connectionStatus(ctx, client)
			if err != nil {
				t.Fatalf("connectionStatus: %v", err)
			}
			users, roles := st.AuthInfo.AuthenticatedUsers, st.AuthInfo.AuthenticatedUserRoles
			if len(users) != 1 || users[0].User != tc.wantPrincipal || users[0].DB != "$external" {
				t.Errorf("authenticatedUsers = %+v, want [{%s $external}]", users, tc.wantPrincipal)
			}
			if len(roles) != 1 || roles[0].Role != "readWrite" || roles[0].DB != "app" {
				t.Errorf("authenticatedUserRoles = %+v, want [{readWrite app}]", roles)
			}
			dbs, err := client.ListDatabaseNames(ctx, bson.D{})
			if err != nil || len(dbs) != 1 || dbs[0] != "app" {
				t.Errorf("listDatabases = %v, %v; want [app]", dbs, err)
			}
			requireLogged(t, w, "Successfully authenticated", tc.wantPrincipal)
			requireNoSecrets(t, w)
		})
	}
}
