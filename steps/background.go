package steps

import (
	"context"
	"errors"
	"net/netip"
	"sync"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
)

// startBackground starts every read that needs no answer from the user: Atlas
// credentials and the key check, platform detection, the AWS credential chain and
// STS, and — when the project is already known — the project's reads.
func (s *setup) startBackground(ctx context.Context) {
	e := s.e
	s.openAtlas(ctx, goFuture(ctx, func(ctx context.Context) (atlas.Credentials, error) {
		return e.LoadAtlasCredentials(ctx, s.in.Profile)
	}))
	s.detect = goFuture(ctx, func(ctx context.Context) (awsenv.Detection, error) {
		return awsenv.Detect(ctx, e.Env), nil
	})
	s.aws = goFuture(ctx, func(ctx context.Context) (awsSide, error) {
		d, _ := s.detect.wait(ctx)
		platform := d.Platform
		if s.in.Platform != "" {
			platform, _ = awsenv.ParsePlatform(s.in.Platform)
		}
		return loadAWS(ctx, e, s.in.AWSProfile, platform), nil
	})
	// With the project id known up front, its reads start now, in parallel with
	// the key check and STS.
	go func() {
		c, err := s.credsF().wait(ctx)
		if err != nil {
			return
		}
		id := s.in.ProjectID
		if id == "" && s.in.ProjectName == "" {
			id = c.ProjectID
		}
		if id != "" && objectID.MatchString(id) {
			s.prefetch(ctx, id)
		}
	}()
}

// atlasFutures are the Atlas credentials, the client built from them and the key
// check. They are replaced together when the user types credentials, while
// background reads may be looking at them: access them through the getters.
type atlasFutures struct {
	creds  *future[atlas.Credentials]
	client *future[AtlasAPI]
	key    *future[atlas.Identity]
}

// openAtlas builds the client and starts the key check once credentials are known.
func (s *setup) openAtlas(ctx context.Context, creds *future[atlas.Credentials]) {
	client := goFuture(ctx, func(ctx context.Context) (AtlasAPI, error) {
		c, err := creds.wait(ctx)
		if err != nil {
			return nil, err
		}
		return s.e.OpenAtlas(ctx, c)
	})
	key := goFuture(ctx, func(ctx context.Context) (atlas.Identity, error) {
		api, err := client.wait(ctx)
		if err != nil {
			return atlas.Identity{}, err
		}
		return api.Verify(ctx)
	})
	s.atlasMu.Lock()
	defer s.atlasMu.Unlock()
	s.atlasF = atlasFutures{creds: creds, client: client, key: key}
}

func (s *setup) credsF() *future[atlas.Credentials] {
	s.atlasMu.Lock()
	defer s.atlasMu.Unlock()
	return s.atlasF.creds
}

func (s *setup) clientF() *future[AtlasAPI] {
	s.atlasMu.Lock()
	defer s.atlasMu.Unlock()
	return s.atlasF.client
}

func (s *setup) keyF() *future[atlas.Identity] {
	s.atlasMu.Lock()
	defer s.atlasMu.Unlock()
	return s.atlasF.key
}

// loadAWS loads the chain, checks the credentials and asks STS who they are.
func loadAWS(ctx context.Context, e *Engine, profile string, platform awsenv.Platform) awsSide {
	chain, err := e.LoadAWS(ctx, awsenv.ChainOptions{Profile: profile, Platform: platform, HTTPClient: e.Env.HTTPClient})
	if err != nil {
		return awsSide{err: err}
	}
	a := awsSide{chain: chain}
	if a.info, a.err = chain.Check(ctx); a.err != nil {
		return a
	}
	a.identity, a.err = chain.CallerIdentity(ctx)
	return a
}

// projectReads are the project's independent reads, started together.
type projectReads struct {
	id          string
	project     *future[*admin.Group]
	ldap        *future[atlas.LDAPState]
	deployments *future[[]atlas.Deployment]
	customRoles *future[[]admin.UserCustomDBRole]
	accessList  *future[[]admin.NetworkPermissionEntry]
	currentIP   *future[netip.Addr]

	mu    sync.Mutex
	users map[string]*future[*admin.CloudDatabaseUser] // by username
}

var errNoClient = errors.New("no Atlas client")

// prefetch starts (once per project id) every read of the project.
func (s *setup) prefetch(ctx context.Context, projectID string) *projectReads {
	s.readsMu.Lock()
	defer s.readsMu.Unlock()
	if s.reads != nil && s.reads.id == projectID {
		return s.reads
	}
	api := func(ctx context.Context) (AtlasAPI, error) { return s.clientF().wait(ctx) }
	r := &projectReads{id: projectID, users: map[string]*future[*admin.CloudDatabaseUser]{}}
	r.project = goFuture(ctx, func(ctx context.Context) (*admin.Group, error) {
		a, err := api(ctx)
		if err != nil {
			return nil, err
		}
		return a.Project(ctx, projectID)
	})
	r.deployments = goFuture(ctx, func(ctx context.Context) ([]atlas.Deployment, error) {
		a, err := api(ctx)
		if err != nil {
			return nil, err
		}
		return a.ListDeployments(ctx, projectID)
	})
	if !s.readOnly {
		// Only setup grants roles; check and doctor never read custom roles.
		r.customRoles = goFuture(ctx, func(ctx context.Context) ([]admin.UserCustomDBRole, error) {
			a, err := api(ctx)
			if err != nil {
				return nil, err
			}
			return a.CustomRoles(ctx, projectID)
		})
	}
	if !s.skipLDAP {
		r.ldapState(ctx, s)
	}
	r.accessList = goFuture(ctx, func(ctx context.Context) ([]admin.NetworkPermissionEntry, error) {
		a, err := api(ctx)
		if err != nil {
			return nil, err
		}
		return a.AccessList(ctx, projectID)
	})
	r.currentIP = goFuture(ctx, func(ctx context.Context) (netip.Addr, error) {
		a, err := api(ctx)
		if err != nil {
			return netip.Addr{}, err
		}
		return a.CurrentIP(ctx)
	})
	s.reads = r
	// The user we will most likely register: read it now too.
	go func() {
		if arn := s.guessPrincipal(ctx); arn != "" {
			r.user(ctx, s, arn)
		}
	}()
	return r
}

// ldapState reads (once) the project's LDAP settings.
func (r *projectReads) ldapState(ctx context.Context, s *setup) *future[atlas.LDAPState] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ldap == nil {
		r.ldap = goFuture(ctx, func(ctx context.Context) (atlas.LDAPState, error) {
			a, err := s.clientF().wait(ctx)
			if err != nil {
				return atlas.LDAPState{}, err
			}
			return a.LDAP(ctx, r.id)
		})
	}
	return r.ldap
}

// user reads (once) the $external user of that name; a missing user is (nil, nil).
func (r *projectReads) user(ctx context.Context, s *setup, username string) *future[*admin.CloudDatabaseUser] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.users[username]; ok {
		return f
	}
	f := goFuture(ctx, func(ctx context.Context) (*admin.CloudDatabaseUser, error) {
		a, err := s.clientF().wait(ctx)
		if err != nil {
			return nil, err
		}
		u, err := a.DatabaseUser(ctx, r.id, atlas.ExternalDB, username)
		if atlas.IsNotFound(err) {
			return nil, nil
		}
		return u, err
	})
	r.users[username] = f
	return f
}

// forget drops a cached user read after a write.
func (r *projectReads) forget(username string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.users, username)
}

// guessPrincipal is the ARN a headless run will most likely register: --arn, or
// the discovered identity when the tool runs on the chosen platform.
func (s *setup) guessPrincipal(ctx context.Context) string {
	if s.in.ARN != "" {
		p, err := awsenv.Normalize(s.in.ARN, awsenv.Typed)
		if err != nil {
			return ""
		}
		return p.ARN
	}
	a, _ := s.aws.wait(ctx)
	if a.err != nil || a.identity.ARN == "" {
		return ""
	}
	p, err := awsenv.Normalize(a.identity.ARN, awsenv.Discovered)
	if err != nil {
		return ""
	}
	return p.ARN
}
