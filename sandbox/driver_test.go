package sandbox_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// sdkProvider is the few-line adapter an application writes to hand the AWS
// SDK's credential chain to the driver (DESIGN.md §4 "One AWS credential chain").
// calls counts the driver's requests, to prove it used the adapter.
type sdkProvider struct {
	creds aws.CredentialsProvider
	calls *atomic.Int32
}

func (p sdkProvider) Retrieve(ctx context.Context) (options.AWSCredentials, error) {
	p.calls.Add(1)
	c, err := p.creds.Retrieve(ctx)
	if err != nil {
		return options.AWSCredentials{}, err
	}
	return options.AWSCredentials(c), nil // same fields, same meaning
}

// TestDriverLogsInOnEveryPlatform runs what an application does on each platform
// against the sandbox: the process has exactly the platform's environment, the
// AWS SDK resolves credentials through its default chain, and the real Go driver
// logs in with MONGODB-AWS through that chain. connectionStatus must name the
// principal the wizard registers for the platform, with its roles.
func TestDriverLogsInOnEveryPlatform(t *testing.T) {
	for _, p := range awsapi.Platforms() {
		t.Run(string(p), func(t *testing.T) {
			sb, log := startSandbox(t)
			x := awsapi.Expect(p)
			registerPrincipal(t, sb, x)
			cleanProcessEnv(t)
			env := envVars(t, sb, p)
			for k, v := range env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			cfg, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				t.Fatalf("load AWS config: %v", err)
			}
			// Retrieve before connecting: the driver silently falls back to its own
			// chain when a custom provider fails.
			creds, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Fatalf("resolve credentials: %v", err)
			}
			wantSource := x.Source
			if p == awsapi.Workstation {
				wantSource += env["AWS_SHARED_CREDENTIALS_FILE"]
			}
			if creds.Source != wantSource {
				t.Errorf("credential source %q, want %q", creds.Source, wantSource)
			}

			provider := sdkProvider{creds: cfg.Credentials, calls: new(atomic.Int32)}
			cred := options.Credential{AuthMechanism: "MONGODB-AWS", AWSCredentialsProvider: provider}
			login(ctx, t, env["ATLAS_IAM_SANDBOX_URI"], cred).check(t, wantPrincipal(x))
			if provider.calls.Load() == 0 {
				t.Error("the driver never asked the SDK adapter for credentials")
			}
			if !strings.Contains(log.String(), "caller "+x.CallerARNPrefix) {
				t.Errorf("sandbox log names no caller starting %s:\n%s", x.CallerARNPrefix, log)
			}
			requireNoSecrets(t, secretsOf(t, sb, env), map[string]string{"sandbox log": log.String()})
		})
	}
}

// TestDriverLogsInWithKeys covers applications that hand the driver keys
// themselves instead of a provider: long-term IAM user keys as username and
// password, and temporary keys with the AWS_SESSION_TOKEN mechanism property.
// The process environment holds no AWS credentials, so only the keys given can
// have been used.
func TestDriverLogsInWithKeys(t *testing.T) {
	tests := []struct {
		name     string
		platform sandbox.Platform
		cred     func(t *testing.T, sb *sandbox.Sandbox) options.Credential
	}{
		{
			name: "long-term keys of the workstation user", platform: awsapi.Workstation,
			cred: func(t *testing.T, sb *sandbox.Sandbox) options.Credential {
				k, ok := sb.World().UserCredentials(world.UserDev)
				if !ok {
					t.Fatal("the world has no keys for user dev")
				}
				return options.Credential{AuthMechanism: "MONGODB-AWS", Username: k.AccessKeyID, Password: k.SecretAccessKey}
			},
		},
		{
			name: "temporary keys of the lambda function with AWS_SESSION_TOKEN", platform: awsapi.Lambda,
			cred: func(t *testing.T, sb *sandbox.Sandbox) options.Credential {
				env := envVars(t, sb, awsapi.Lambda)
				return options.Credential{
					AuthMechanism:           "MONGODB-AWS",
					Username:                env["AWS_ACCESS_KEY_ID"],
					Password:                env["AWS_SECRET_ACCESS_KEY"],
					AuthMechanismProperties: map[string]string{"AWS_SESSION_TOKEN": env["AWS_SESSION_TOKEN"]},
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb, log := startSandbox(t)
			x := awsapi.Expect(tc.platform)
			registerPrincipal(t, sb, x)
			cleanProcessEnv(t)
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			login(ctx, t, sb.ClusterURI(world.ClusterName), tc.cred(t, sb)).check(t, wantPrincipal(x))
			requireNoSecrets(t, sb.World().Secrets(), map[string]string{"sandbox log": log.String()})
		})
	}
}

// login connects the real driver with cred and returns connectionStatus, which
// runs on an authenticated pooled connection.
func login(ctx context.Context, t *testing.T, uri string, cred options.Credential) connectionStatus {
	t.Helper()
	if uri == "" {
		t.Fatal("the sandbox gave no Cluster0 URI")
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetAuth(cred).
		SetServerSelectionTimeout(5 * time.Second).SetRetryReads(false))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer client.Disconnect(context.Background())
	var st connectionStatus
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "connectionStatus", Value: 1}}).Decode(&st); err != nil {
		t.Fatalf("connectionStatus: %v", err)
	}
	return st
}
