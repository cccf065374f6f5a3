package steps

import (
	"context"
	"net/netip"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
)

// The narrow views of the Atlas Admin API each step uses; *atlas.Client has them all.
type (
	keyVerifier interface {
		Verify(ctx context.Context) (atlas.Identity, error)
	}
	projectFinder interface {
		Project(ctx context.Context, projectID string) (*admin.Group, error)
		ProjectByName(ctx context.Context, name string) (*admin.Group, error)
		ListProjects(ctx context.Context, opts atlas.ListOptions[admin.Group]) ([]admin.Group, error)
	}
	ldapReader interface {
		LDAP(ctx context.Context, projectID string) (atlas.LDAPState, error)
	}
	deploymentReader interface {
		Deployment(ctx context.Context, projectID, name string) (atlas.Deployment, error)
		ListDeployments(ctx context.Context, projectID string) ([]atlas.Deployment, error)
		ClusterStatus(ctx context.Context, projectID, name string) (string, error)
	}
	userStore interface {
		DatabaseUser(ctx context.Context, projectID, db, username string) (*admin.CloudDatabaseUser, error)
		CreateDatabaseUser(ctx context.Context, projectID string, u admin.CloudDatabaseUser) (*admin.CloudDatabaseUser, error)
		UpdateDatabaseUser(ctx context.Context, projectID string, u admin.CloudDatabaseUser) (*admin.CloudDatabaseUser, error)
		CustomRoles(ctx context.Context, projectID string) ([]admin.UserCustomDBRole, error)
	}
	accessListStore interface {
		AccessList(ctx context.Context, projectID string) ([]admin.NetworkPermissionEntry, error)
		AddAccessListEntry(ctx context.Context, projectID string, e atlas.AccessListEntry) (string, error)
		AccessListStatus(ctx context.Context, projectID, value string) (string, error)
		CurrentIP(ctx context.Context) (netip.Addr, error)
	}
)

// AtlasAPI is everything the engine reads and writes in Atlas.
type AtlasAPI interface {
	keyVerifier
	projectFinder
	ldapReader
	deploymentReader
	userStore
	accessListStore
}

// AWSChain is the one AWS credential chain: the same provider answers STS, IAM and
// the MongoDB driver. *awsenv.Chain implements it.
type AWSChain interface {
	Provider() aws.CredentialsProvider
	Check(ctx context.Context) (awsenv.CredentialInfo, error)
	CallerIdentity(ctx context.Context) (awsenv.Identity, error)
	RecoverRoleARN(ctx context.Context, env awsenv.Env, p awsenv.Principal) (awsenv.RoleRecovery, error)
	AssumableRoles(ctx context.Context, p awsenv.Platform) ([]awsenv.Role, error)
	AssumeRole(ctx context.Context, roleARN, sessionName string) (aws.CredentialsProvider, awsenv.Identity, error)
}

// Engine holds the engine's connections to the outside world. main wires the real
// ones (DefaultEngine); tests may replace any of them.
type Engine struct {
	// LoadAtlasCredentials finds Atlas API credentials (environment, Atlas CLI profile).
	LoadAtlasCredentials func(ctx context.Context, profile string) (atlas.Credentials, error)
	// OpenAtlas builds an Atlas API client.
	OpenAtlas func(ctx context.Context, c atlas.Credentials) (AtlasAPI, error)
	// Env is the process environment (variables, /sys, HTTP client for probes).
	Env awsenv.Env
	// LoadAWS loads the AWS credential chain.
	LoadAWS func(ctx context.Context, o awsenv.ChainOptions) (AWSChain, error)
	// Login runs the live MONGODB-AWS login.
	Login func(ctx context.Context, r connect.LoginRequest) (connect.LoginResult, error)
	// Now is the clock; Sleep waits (tests shorten both).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// PollInterval is the first wait between deployment-status polls; it grows to
	// MaxPollInterval.
	PollInterval, MaxPollInterval time.Duration
}

// DefaultEngine wires the real Atlas, AWS and MongoDB clients.
func DefaultEngine(env awsenv.Env, userAgentVersion string) *Engine {
	getenv := env.Getenv
	return &Engine{
		LoadAtlasCredentials: func(ctx context.Context, profile string) (atlas.Credentials, error) {
			return atlas.LoadCredentials(ctx, atlas.CredentialOptions{Profile: profile, Getenv: getenv})
		},
		OpenAtlas: func(ctx context.Context, c atlas.Credentials) (AtlasAPI, error) {
			return atlas.NewClient(ctx, c, atlas.ClientOptions{Version: userAgentVersion})
		},
		Env: env,
		LoadAWS: func(ctx context.Context, o awsenv.ChainOptions) (AWSChain, error) {
			return awsenv.LoadChain(ctx, o)
		},
		Login:           connect.Login,
		Now:             time.Now,
		Sleep:           sleepCtx,
		PollInterval:    500 * time.Millisecond,
		MaxPollInterval: 3 * time.Second,
	}
}

// nextPoll grows a polling interval by half, up to MaxPollInterval: deployments
// take seconds, so polls stay frequent without hammering the API.
func (e *Engine) nextPoll(d time.Duration) time.Duration {
	return min(d+d/2, e.MaxPollInterval)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
