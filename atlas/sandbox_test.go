package atlas_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/sandbox/atlasapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Integration tests: this package's client against the sandbox's Atlas Admin API
// emulator (sandbox/atlasapi over sandbox/world), with both authentications.

type sandboxAPI struct {
	world   *world.World
	url     string
	project string
	// inFlight / maxInFlight count concurrent requests (challenges included).
	inFlight, maxInFlight atomic.Int32
}

func newSandboxAPI(t *testing.T, opts world.Options) *sandboxAPI {
	t.Helper()
	s := &sandboxAPI{world: world.New(opts)}
	for name, addr := range sandboxAddrs {
		if err := s.world.AttachCluster(name, addr); err != nil {
			t.Fatal(err)
		}
	}
	h := atlasapi.New(s.world)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cur := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for m := s.maxInFlight.Load(); cur > m && !s.maxInFlight.CompareAndSwap(m, cur); m = s.maxInFlight.Load() {
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url, s.project = srv.URL, s.world.PrimaryProject().ID
	return s
}

// sandboxAddrs are where wire servers would listen; nothing dials them here.
var sandboxAddrs = map[string]string{
	world.ClusterName: "127.0.0.1:27101", world.FlexName: "127.0.0.1:27102", world.FederatedName: "127.0.0.1:27103",
}

type authCase struct {
	name  string
	creds func(*world.World, string) atlas.Credentials
}

var authCases = []authCase{
	{"digest", func(w *world.World, url string) atlas.Credentials {
		k := w.APIKey()
		return atlas.NewAPIKeyCredentials(k.PublicKey, k.PrivateKey, url)
	}},
	{"service account", func(w *world.World, url string) atlas.Credentials {
		sa := w.ServiceAccount()
		return atlas.NewServiceAccountCredentials(sa.ClientID, sa.Secret, url)
	}},
}

func (s *sandboxAPI) client(t *testing.T, ac authCase) *atlas.Client {
	t.Helper()
	c, err := atlas.NewClient(context.Background(), ac.creds(s.world, s.url), atlas.ClientOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSandboxVerifyAndProjects(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{ExtraProjects: 2500, Knobs: world.Knobs{Latency: 2 * time.Millisecond}})
			c := s.client(t, ac)
			ctx := context.Background()

			id, err := c.Verify(ctx)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !slices.Contains(id.ProjectRoles(s.project), world.RoleProjectOwner) {
				t.Errorf("roles %+v lack %s on %s", id.Roles, world.RoleProjectOwner, s.project)
			}

			var mu sync.Mutex
			var arrival []int
			start := time.Now()
			got, err := c.ListProjects(ctx, atlas.ListOptions[admin.Group]{PageSize: 100, Concurrency: 6, OnPage: func(p atlas.Page[admin.Group]) {
				mu.Lock()
				arrival = append(arrival, p.Number)
				mu.Unlock()
			}})
			if err != nil {
				t.Fatalf("ListProjects: %v", err)
			}
			want := s.world.Projects()
			if len(got) != len(want) {
				t.Fatalf("%d projects, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].GetId() != want[i].ID || got[i].Name != want[i].Name {
					t.Fatalf("projects[%d] = %s %s, want %s %s", i, got[i].GetId(), got[i].Name, want[i].ID, want[i].Name)
				}
			}
			if len(arrival) != 26 {
				t.Errorf("%d pages delivered, want 26", len(arrival))
			}
			if m := s.maxInFlight.Load(); m < 2 {
				t.Errorf("at most %d request in flight: pages were not fetched concurrently", m)
			}
			t.Logf("%s: %d projects in %d pages in %v, up to %d requests in flight, arrival %v", ac.name, len(got), len(arrival), time.Since(start), s.maxInFlight.Load(), arrival)

			p, err := c.Project(ctx, s.project)
			if err != nil || p.Name != want[0].Name {
				t.Fatalf("Project = %v, %v", p, err)
			}
			byName, err := c.ProjectByName(ctx, want[7].Name)
			if err != nil || byName.GetId() != want[7].ID {
				t.Fatalf("ProjectByName = %v, %v", byName, err)
			}
			if _, err := c.Project(ctx, "0123456789abcdef01234567"); !atlas.IsNotFound(err) {
				t.Errorf("missing project: err = %v", err)
			}
		})
	}
}

func TestSandboxLDAP(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{})
			c := s.client(t, ac)
			ctx := context.Background()
			st, err := c.LDAP(ctx, s.project)
			if err != nil || !st.Known || st.AuthorizationEnabled {
				t.Fatalf("default: %+v, %v", st, err)
			}
			s.world.SetKnobs(func(k *world.Knobs) { k.LDAPAuthorization = true })
			st, err = c.LDAP(ctx, s.project)
			if err != nil || !st.Known || !st.AuthorizationEnabled {
				t.Fatalf("LDAP authorization knob: %+v, %v", st, err)
			}
			s.world.SetKnobs(func(k *world.Knobs) { k.APIKeyRole = world.RoleProjectReadOnly })
			st, err = c.LDAP(ctx, s.project)
			if err != nil || st.Known || st.AuthorizationEnabled {
				t.Fatalf("read-only key: %+v, %v; want unknown", st, err)
			}
		})
	}
}

func TestSandboxDeployments(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{})
			c := s.client(t, ac)
			ctx := context.Background()
			for name, kind := range map[string]atlas.DeploymentKind{
				world.ClusterName: atlas.KindCluster, world.FlexName: atlas.KindFlex, world.FederatedName: atlas.KindFederated,
			} {
				d, err := c.Deployment(ctx, s.project, name)
				if err != nil {
					t.Fatalf("Deployment(%s): %v", name, err)
				}
				if d.Name != name || d.Kind != kind {
					t.Errorf("Deployment(%s) = %s %s, want kind %s", name, d.Name, d.Kind, kind)
				}
				if kind != atlas.KindFederated && d.Standard == "" && d.StandardSrv == "" {
					t.Errorf("%s: no connection string", name)
				}
				if !slices.Contains(d.Hostnames, sandboxAddrs[name]) {
					t.Errorf("%s: hostnames %v lack %s", name, d.Hostnames, sandboxAddrs[name])
				}
			}
			if _, err := c.Deployment(ctx, s.project, "NoSuchCluster"); !atlas.IsNotFound(err) {
				t.Errorf("missing deployment: err = %v", err)
			}
			all, err := c.ListDeployments(ctx, s.project)
			if err != nil || len(all) != 3 {
				t.Fatalf("ListDeployments = %+v, %v", all, err)
			}
		})
	}
}

func TestSandboxDatabaseUserLifecycle(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{Knobs: world.Knobs{DeployDelay: time.Hour}})
			c := s.client(t, ac)
			ctx := context.Background()
			arn := "arn:aws:iam::123456789012:role/app-task"

			if _, err := c.DatabaseUser(ctx, s.project, atlas.ExternalDB, arn); !atlas.IsNotFound(err) {
				t.Fatalf("before create: err = %v, want not found", err)
			}
			roles, err := atlas.ParseRoles([]string{"readWrite@app"})
			if err != nil {
				t.Fatal(err)
			}
			want := atlas.NewIAMUser(s.project, arn, atlas.IAMRole, roles, atlas.Scopes(world.ClusterName, atlas.KindCluster), nil, "atlas-iam test")
			if _, err := c.CreateDatabaseUser(ctx, s.project, want); err != nil {
				t.Fatalf("create: %v", err)
			}
			have, err := c.DatabaseUser(ctx, s.project, atlas.ExternalDB, arn)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if d := atlas.DiffUser(*have, want); !d.Empty() {
				t.Errorf("created user differs from what was sent: %v", d.Lines())
			}
			st, err := c.ClusterStatus(ctx, s.project, world.ClusterName)
			if err != nil || st != "PENDING" {
				t.Errorf("ClusterStatus after create = %q, %v; want PENDING (deploy delay 1h)", st, err)
			}

			roles2, _ := atlas.ParseRoles([]string{"readWrite@app", "read@reports"})
			want2 := atlas.NewIAMUser(s.project, arn, atlas.IAMRole, roles2, nil, nil, "atlas-iam test")
			if d := atlas.DiffUser(*have, want2); strings.Join(d.Lines(), ";") != "+ role read@reports;- scope Cluster0:CLUSTER" {
				t.Errorf("diff = %v", d.Lines())
			}
			if _, err := c.UpdateDatabaseUser(ctx, s.project, want2); err != nil {
				t.Fatalf("update: %v", err)
			}
			have, err = c.DatabaseUser(ctx, s.project, atlas.ExternalDB, arn)
			if err != nil || !atlas.DiffUser(*have, want2).Empty() {
				t.Fatalf("after update: %+v, %v", have, err)
			}

			_, err = c.CreateDatabaseUser(ctx, s.project, want)
			if !atlas.IsConflict(err) {
				t.Fatalf("duplicate create: err = %v, want 409", err)
			}
			bad := atlas.NewIAMUser(s.project, "mongodb-access", atlas.IAMRole, roles, nil, nil, "")
			if _, err := c.CreateDatabaseUser(ctx, s.project, bad); !atlas.IsInvalidARN(err) {
				t.Errorf("non-ARN username: err = %v, want ATLAS_INVALID_AWS_IAM_ARN", err)
			}

			users, err := c.ListDatabaseUsers(ctx, s.project)
			if err != nil || len(users) != 1 {
				t.Fatalf("ListDatabaseUsers = %d users, %v", len(users), err)
			}
			if _, err := c.CustomRoles(ctx, s.project); err != nil {
				t.Errorf("CustomRoles: %v", err)
			}
			if err := c.DeleteDatabaseUser(ctx, s.project, atlas.ExternalDB, arn); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := c.DatabaseUser(ctx, s.project, atlas.ExternalDB, arn); !atlas.IsNotFound(err) {
				t.Errorf("after delete: err = %v", err)
			}
		})
	}
}

func TestSandboxNetwork(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{NetworkBlocked: true})
			c := s.client(t, ac)
			ctx := context.Background()
			ip, err := c.CurrentIP(ctx)
			if err != nil || !ip.IsLoopback() {
				t.Fatalf("CurrentIP = %v, %v", ip, err)
			}
			del := time.Now().Add(24 * time.Hour)
			v, err := c.AddAccessListEntry(ctx, s.project, atlas.AccessListEntry{CIDR: ip.String(), Comment: "atlas-iam test", DeleteAfter: &del})
			if err != nil {
				t.Fatalf("AddAccessListEntry: %v", err)
			}
			st, err := c.AccessListStatus(ctx, s.project, v)
			if err != nil || (st != "ACTIVE" && st != "PENDING") {
				t.Errorf("AccessListStatus(%s) = %q, %v", v, st, err)
			}
			list, err := c.AccessList(ctx, s.project)
			if err != nil || !slices.ContainsFunc(list, func(e admin.NetworkPermissionEntry) bool { return e.GetCidrBlock() == v }) {
				t.Errorf("AccessList = %v, %v; want %s in it", list, err, v)
			}
		})
	}
}

func TestSandboxFailures(t *testing.T) {
	for _, ac := range authCases {
		t.Run(ac.name, func(t *testing.T) {
			s := newSandboxAPI(t, world.Options{})
			ctx := context.Background()

			wrong := ac.creds(s.world, s.url)
			if ac.name == "digest" {
				wrong = atlas.NewAPIKeyCredentials(wrong.PublicKey, "00000000-0000-0000-0000-000000000000", s.url)
			} else {
				wrong = atlas.NewServiceAccountCredentials(wrong.ClientID, "mdb_sa_sk_wrong", s.url)
			}
			bad, err := atlas.NewClient(ctx, wrong, atlas.ClientOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bad.Verify(ctx); !atlas.IsUnauthorized(err) {
				t.Errorf("wrong secret: err = %v, want unauthorized", err)
			}

			c := s.client(t, ac)
			s.world.SetKnobs(func(k *world.Knobs) { k.APIAccessListDeny = true })
			if _, err := c.Verify(ctx); !atlas.IsAccessListDenied(err) {
				t.Errorf("API access list knob: err = %v", err)
			}
			s.world.SetKnobs(func(k *world.Knobs) { k.APIAccessListDeny = false; k.APIKeyRole = world.RoleProjectReadOnly })
			u := atlas.NewIAMUser(s.project, "arn:aws:iam::123456789012:user/x", atlas.IAMUser, []admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "admin"}}, nil, nil, "")
			if _, err := c.CreateDatabaseUser(ctx, s.project, u); !atlas.IsForbiddenRole(err) {
				t.Errorf("read-only key creating a user: err = %v, want forbidden role", err)
			}
			for _, secret := range []string{s.world.APIKey().PrivateKey, s.world.ServiceAccount().Secret} {
				if err != nil && strings.Contains(fmt.Sprint(err), secret) {
					t.Error("secret in error")
				}
			}
		})
	}
}

// The RateLimit knob answers 429 with Retry-After; reads wait and get through.
func TestSandboxRateLimitRetry(t *testing.T) {
	s := newSandboxAPI(t, world.Options{Knobs: world.Knobs{RateLimit: 3}})
	var waits []time.Duration
	var mu sync.Mutex
	c, err := atlas.NewClient(context.Background(), authCases[1].creds(s.world, s.url), atlas.ClientOptions{Retry: atlas.RetryPolicy{
		MaxAttempts: 2,
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return ctx.Err()
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var lastErr error
	for range 5 {
		_, lastErr = c.Verify(ctx)
	}
	// The emulator's window is a real minute: the sleep is not real, so the retry
	// is refused again and the 429 surfaces, after one honoured Retry-After.
	if !atlas.IsRateLimited(lastErr) {
		t.Fatalf("err = %v, want rate limited", lastErr)
	}
	if len(waits) == 0 || waits[0] <= 0 || waits[0] > 30*time.Second {
		t.Errorf("waits = %v, want Retry-After honoured (≤30s cap)", waits)
	}
}
