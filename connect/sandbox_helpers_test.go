package connect

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/wire"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

const (
	devARN        = "arn:aws:iam::123456789012:user/dev"
	appRoleARN    = "arn:aws:iam::123456789012:role/app"
	appPrincipal  = "arn:aws:sts::123456789012:assumed-role/app/*"
	lambdaPathARN = "arn:aws:iam::123456789012:role/service-role/lambda-app"
)

// sandbox is a world with Cluster0 served by the sandbox wire server.
type sandbox struct {
	w   *world.World
	uri string
}

func startSandbox(t testing.TB, opts world.Options) sandbox {
	t.Helper()
	w := world.New(opts)
	srv, err := wire.Start(context.Background(), w, w.PrimaryProject().ID, world.ClusterName)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	// The URI the product builds for a federated-style single host.
	uri, err := ConnectionString(Deployment{Host: srv.Addr()}, "atlas-iam-test")
	if err != nil {
		t.Fatal(err)
	}
	return sandbox{w: w, uri: strings.Replace(uri, "ssl=true", "ssl=false", 1)}
}

// register creates an Atlas $external user with readWrite@app.
func (s sandbox) register(t testing.TB, arn, iamType string) {
	t.Helper()
	u := *admin.NewCloudDatabaseUser("$external", s.w.PrimaryProject().ID, arn)
	u.AwsIAMType = admin.PtrString(iamType)
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	if _, err := s.w.CreateDBUser(s.w.PrimaryProject().ID, u); err != nil {
		t.Fatal(err)
	}
}

func (s sandbox) devKeys(t testing.TB) world.Credentials {
	t.Helper()
	k, ok := s.w.UserCredentials(world.UserDev)
	if !ok {
		t.Fatal("no keys for dev")
	}
	return k
}

func (s sandbox) session(t testing.TB, service, role, name string) world.Credentials {
	t.Helper()
	c, err := s.w.ServiceSession(service, role, name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// provider hands world credentials to Login the way aws-sdk-go-v2 providers do,
// expiry included.
func provider(c world.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
			Source: "test", CanExpire: !c.Expiration.IsZero(), Expires: c.Expiration}, nil
	})
}

// cleanAWSEnv keeps every AWS credential chain (the SDK's and the driver's)
// away from the machine's real configuration and from IMDS.
func cleanAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		f := filepath.Join(dir, strings.ToLower(k))
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(k, f)
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("HOME", dir)
}

// assertNoSecrets fails when any secret the world handed out appears in s.
func assertNoSecrets(t *testing.T, w *world.World, what, s string) {
	t.Helper()
	for _, secret := range w.Secrets() {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("%s contains a secret", what)
		}
	}
}

// shortTimeout is long enough for a loopback login and short for a blocked one.
const shortTimeout = 1500 * time.Millisecond
