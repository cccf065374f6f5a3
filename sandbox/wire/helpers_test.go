package wire

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

const (
	devARN       = "arn:aws:iam::123456789012:user/dev"
	appRoleARN   = "arn:aws:iam::123456789012:role/app"
	appPrincipal = "arn:aws:sts::123456789012:assumed-role/app/*"
)

// startServer builds a world and serves its Cluster0 on a random loopback port.
func startServer(t testing.TB, opts world.Options) (*world.World, *Server) {
	t.Helper()
	w := world.New(opts)
	srv, err := Start(context.Background(), w, w.PrimaryProject().ID, world.ClusterName)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return w, srv
}

// createIAMUser registers an Atlas $external user with readWrite@app.
func createIAMUser(t testing.TB, w *world.World, arn, iamType string) {
	t.Helper()
	u := *admin.NewCloudDatabaseUser("$external", w.PrimaryProject().ID, arn)
	u.AwsIAMType = admin.PtrString(iamType)
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	if _, err := w.CreateDBUser(w.PrimaryProject().ID, u); err != nil {
		t.Fatal(err)
	}
}

// cleanAWSEnv keeps the driver's credential chain from finding anything real.
func cleanAWSEnv(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
	}
}

// keyCredential is how an application hands fixed keys to the driver.
func keyCredential(c world.Credentials) options.Credential {
	cred := options.Credential{AuthMechanism: "MONGODB-AWS", Username: c.AccessKeyID, Password: c.SecretAccessKey}
	if c.SessionToken != "" {
		cred.AuthMechanismProperties = map[string]string{"AWS_SESSION_TOKEN": c.SessionToken}
	}
	return cred
}

// connect builds a real driver client for the server with short timeouts.
func connect(t testing.TB, addr string, cred *options.Credential, selection time.Duration) *mongo.Client {
	t.Helper()
	opts := options.Client().ApplyURI("mongodb://" + addr + "/?directConnection=true").
		SetServerSelectionTimeout(selection).
		SetConnectTimeout(2 * time.Second).
		SetRetryReads(false)
	if cred != nil {
		opts.SetAuth(*cred)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	return c
}

// connectionStatus returns who the connection is logged in as.
type statusReply struct {
	AuthInfo struct {
		AuthenticatedUsers     []struct{ User, DB string } `bson:"authenticatedUsers"`
		AuthenticatedUserRoles []struct{ Role, DB string } `bson:"authenticatedUserRoles"`
	} `bson:"authInfo"`
}

func connectionStatus(ctx context.Context, c *mongo.Client) (statusReply, error) {
	var st statusReply
	err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "connectionStatus", Value: 1}}).Decode(&st)
	return st, err
}

// commandError extracts the server error the driver surfaced.
func serverError(t *testing.T, err error) mongo.CommandError {
	t.Helper()
	var ce mongo.CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("error is not a server error: %v", err)
	}
	return ce
}

// requireLogged fails unless some wire event contains every fragment.
func requireLogged(t *testing.T, w *world.World, fragments ...string) {
	t.Helper()
	for _, e := range w.Events() {
		if e.Component != "wire" {
			continue
		}
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(e.Message, f)
		}
		if all {
			return
		}
	}
	var lines []string
	for _, e := range w.Events() {
		lines = append(lines, e.Component+": "+e.Message)
	}
	t.Fatalf("no wire log line contains %q; log:\n%s", fragments, strings.Join(lines, "\n"))
}

// requireNoSecrets fails if any secret the world issued appears in the log.
func requireNoSecrets(t *testing.T, w *world.World) {
	t.Helper()
	for _, e := range w.Events() {
		for _, s := range w.Secrets() {
			if s != "" && strings.Contains(e.Message, s) {
				t.Fatalf("log line leaks a secret: %s", e.Message)
			}
		}
	}
}
