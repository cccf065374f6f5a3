package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// DefaultLoginTimeout bounds a login when LoginRequest.Timeout is zero.
const DefaultLoginTimeout = 30 * time.Second

// LoginRequest is one live MONGODB-AWS login.
type LoginRequest struct {
	// URI is the connection string (ConnectionString's, or the user's --uri).
	// Credentials embedded in it are ignored: Provider is who logs in.
	URI string
	// Provider gives the AWS credentials: the same chain that answered STS.
	Provider aws.CredentialsProvider
	// Timeout bounds the whole login; DefaultLoginTimeout when zero. A server
	// that never answers fails after this long (NETWORK_BLOCKED).
	Timeout time.Duration
	// Progress, when set, is told when each stage begins, with what the stage
	// before it established. It is called from driver goroutines, one call at a
	// time and in stage order, and must return quickly.
	Progress func(stage Stage, detail string)
}

// CredentialFacts are what the login knows about its AWS credentials, without
// the secret key or the session token.
type CredentialFacts struct {
	AccessKeyID string
	Source      string // the provider that found them, e.g. EnvConfigCredentials
	Temporary   bool   // a session token came with them
	CanExpire   bool
	Expires     time.Time
}

func credentialFacts(c aws.Credentials) CredentialFacts {
	return CredentialFacts{AccessKeyID: c.AccessKeyID, Source: c.Source, Temporary: c.SessionToken != "", CanExpire: c.CanExpire, Expires: c.Expires}
}

// Role is a database role granted to the logged-in user.
type Role struct {
	Role string `json:"role"`
	DB   string `json:"db"`
}

// LoginResult is a successful login: who the server says we are.
type LoginResult struct {
	User  string `json:"user"` // the principal, e.g. arn:aws:sts::A:assumed-role/NAME/*
	DB    string `json:"db"`   // $external
	Roles []Role `json:"roles"`
	// Server is the address that answered first; ServerVersion is its release
	// line, read from the hello's maxWireVersion (no buildInfo round trip).
	Server        string `json:"server"`
	ServerVersion string `json:"serverVersion,omitempty"`
	// ServerTime is the hello's localTime and LocalTime this machine's clock when
	// it arrived; both zero when TLS kept the hello from view.
	ServerTime  time.Time       `json:"serverTime,omitzero"`
	LocalTime   time.Time       `json:"localTime,omitzero"`
	Credentials CredentialFacts `json:"credentials"`
	Elapsed     time.Duration   `json:"elapsed"`
}

// LoginError is a failed login: the stage it stopped in and what was learnt
// before, which Diagnose uses as evidence.
type LoginError struct {
	Stage       Stage
	Err         error
	Timeout     time.Duration
	Credentials CredentialFacts // zero when the credential stage failed
	Server      string          // the address whose hello succeeded, if any
	ServerTime  time.Time       // a hello's localTime, if one was seen
	LocalTime   time.Time       // this machine's clock at that moment
	LastNetwork error           // the last failed hello, if any
}

func (e *LoginError) Error() string { return fmt.Sprintf("login failed at %s: %v", e.Stage, e.Err) }
func (e *LoginError) Unwrap() error { return e.Err }

// Login connects with MONGODB-AWS using the provider's credentials, pings, and
// asks connectionStatus who it is. Round trips: the monitor's hello, then on the
// application connection hello, saslStart, saslContinue, ping, connectionStatus.
// The credentials are retrieved first: when a custom provider fails the driver
// silently uses its own chain, which would test another identity.
//
// A single-host mongodb:// string (no replicaSet, loadBalanced or
// directConnection) is dialled as a direct connection: it costs no round trip,
// tests exactly the host given, and keeps the driver from following the member
// names a hello may advertise (possibly unresolvable from here), which would
// turn a working host into a misleading timeout. SRV, seed-list and replicaSet
// strings are used exactly as the application would.
func Login(ctx context.Context, req LoginRequest) (LoginResult, error) {
	start := time.Now()
	if req.Provider == nil {
		return LoginResult{}, errors.New("login: no AWS credentials provider")
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := newTracker(req.Progress)

	t.advance(StageCredentials, "asking the AWS credential chain")
	creds, err := req.Provider.Retrieve(ctx)
	if err == nil && !creds.HasKeys() {
		err = errors.New("the provider returned no access key")
	}
	if err != nil {
		return LoginResult{}, &LoginError{Stage: StageCredentials, Err: err, Timeout: timeout}
	}
	facts := credentialFacts(creds)

	cs, err := parseURI(req.URI)
	if err != nil {
		return LoginResult{}, fmt.Errorf("connection string: %w", err)
	}
	t.advance(StageConnect, "key %s (%s); connecting to %s", facts.AccessKeyID, orUnknown(facts.Source), strings.Join(cs.RawHosts, ","))
	opts := loginOptions(req.URI, cs, timeout, t)
	opts.SetAuth(options.Credential{AuthMechanism: mechanismAWS, AWSCredentialsProvider: awsProvider{retrieved(creds)}})
	client, err := mongo.Connect(opts)
	if err != nil {
		// The string is valid (parseURI passed): what is left is the SRV and
		// TXT lookup that ApplyURI does, a step of reaching the deployment.
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return LoginResult{}, &LoginError{Stage: StageConnect, Err: err, Timeout: timeout, Credentials: facts}
		}
		return LoginResult{}, fmt.Errorf("connection string: %w", err)
	}
	defer disconnect(client)

	fail := func(err error) (LoginResult, error) {
		le := &LoginError{Stage: t.current(), Err: err, Timeout: timeout, Credentials: facts}
		le.Server, _, le.LastNetwork = t.server()
		le.ServerTime, le.LocalTime = t.clock()
		if r, ok := serverReplyOf(err); le.Stage == StageAuthenticate && le.ServerTime.IsZero() && (!ok || r.isAuthFailed()) {
			le.ServerTime, le.LocalTime = serverClock(ctx, req.URI, cs)
		}
		return LoginResult{}, le
	}

	// ping and connectionStatus are independent, so they run at once: the pool
	// opens and authenticates a connection for each in parallel, and the login
	// costs one round trip less than running them one after the other.
	admin := client.Database("admin")
	var status connectionStatus
	pinged := make(chan error, 1)
	go func() {
		err := admin.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
		if err == nil {
			t.advance(StageConnectionStatus, "ping answered")
		}
		pinged <- err
	}()
	statusErr := admin.RunCommand(ctx, bson.D{{Key: "connectionStatus", Value: 1}}).Decode(&status)
	if err := <-pinged; err != nil {
		return fail(err)
	}
	if statusErr != nil {
		return fail(statusErr)
	}
	t.advance(StageConnectionStatus, "ping answered")
	if len(status.AuthInfo.Users) == 0 {
		return fail(errors.New("connectionStatus lists no authenticated user"))
	}
	res := LoginResult{User: status.AuthInfo.Users[0].User, DB: status.AuthInfo.Users[0].DB, Credentials: facts}
	for _, r := range status.AuthInfo.Roles {
		res.Roles = append(res.Roles, Role(r))
	}
	var maxWire int32
	res.Server, maxWire, _ = t.server()
	res.ServerVersion = serverVersion(maxWire)
	res.ServerTime, res.LocalTime = t.clock()
	res.Elapsed = time.Since(start)
	return res, nil
}

type connectionStatus struct {
	AuthInfo struct {
		Users []struct {
			User string `bson:"user"`
			DB   string `bson:"db"`
		} `bson:"authenticatedUsers"`
		Roles []struct {
			Role string `bson:"role"`
			DB   string `bson:"db"`
		} `bson:"authenticatedUserRoles"`
	} `bson:"authInfo"`
}

// loginOptions are the client options of a login, without credentials.
func loginOptions(uri string, cs *connstring.ConnString, timeout time.Duration, t *tracker) *options.ClientOptions {
	opts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(timeout).
		SetConnectTimeout(min(timeout, 10*time.Second)).
		SetRetryReads(false)
	if t != nil {
		opts.SetServerMonitor(t.serverMonitor()).SetPoolMonitor(t.poolMonitor())
		if !cs.SSL {
			opts.SetDialer(&clockDialer{seen: t.sawClock})
		}
	}
	if cs.Scheme == connstring.SchemeMongoDB && len(cs.Hosts) == 1 && cs.ReplicaSet == "" &&
		!cs.LoadBalanced && !cs.DirectConnectionSet && !cs.ConnectSet {
		opts.SetDirect(true)
	}
	return opts
}

// serverClock asks a server for its time with an unauthenticated hello. Login
// only does this after an authentication failure over TLS (where the handshake's
// hello cannot be read), because clock skew is one of the causes to rank.
func serverClock(ctx context.Context, uri string, cs *connstring.ConnString) (server, local time.Time) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	opts := loginOptions(uri, cs, 5*time.Second, nil)
	opts.Auth = nil
	client, err := mongo.Connect(opts)
	if err != nil {
		return time.Time{}, time.Time{}
	}
	defer disconnect(client)
	var hello struct {
		LocalTime time.Time `bson:"localTime"`
	}
	if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return time.Time{}, time.Time{}
	}
	return hello.LocalTime.UTC(), time.Now()
}

// disconnect closes the client without the endSessions round trip the driver
// sends for its implicit session: Disconnect skips it when the context is
// already done. The unused server session expires by itself (30 minutes), as
// it does whenever a short-lived client exits.
//
// It closes in the background: Disconnect waits for the server monitor, and a
// heartbeat whose handshake began while the client was closing (a mongo-driver
// v2.10.0 race) holds it for the whole connect timeout, so a login to a server
// that never answers took twice its timeout about one time in five.
func disconnect(c *mongo.Client) {
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = c.Disconnect(ctx)
	}()
}

func orUnknown(s string) string {
	if s == "" {
		return "source unknown"
	}
	return s
}
