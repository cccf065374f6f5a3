package atlasapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"go.mongodb.org/atlas-sdk/v20250312010/auth"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Wire-server addresses the tests attach to the deployments; nothing listens
// there, the API only reports them.
const (
	cluster0Addr  = "127.0.0.1:27017"
	flexAddr      = "127.0.0.1:27018"
	federatedAddr = "127.0.0.1:27019"
)

// sandbox is a world and its Atlas API on an httptest server whose every response
// is validated against the SDK's OpenAPI document.
type sandbox struct {
	world   *world.World
	srv     *httptest.Server
	checker *specChecker
	project string
}

func newSandbox(t *testing.T, opts world.Options) *sandbox {
	t.Helper()
	w := world.New(opts)
	for name, addr := range map[string]string{world.ClusterName: cluster0Addr, world.FlexName: flexAddr, world.FederatedName: federatedAddr} {
		if err := w.AttachCluster(name, addr); err != nil {
			t.Fatal(err)
		}
	}
	chk := newSpecChecker(t)
	srv := httptest.NewServer(chk.wrap(New(w)))
	t.Cleanup(srv.Close)
	return &sandbox{world: w, srv: srv, checker: chk, project: w.PrimaryProject().ID}
}

// digestClient is the SDK client with the world's API key (digest auth).
func (s *sandbox) digestClient(t *testing.T) *admin.APIClient {
	t.Helper()
	k := s.world.APIKey()
	return s.digestClientWith(t, k.PublicKey, k.PrivateKey)
}

func (s *sandbox) digestClientWith(t *testing.T, public, private string) *admin.APIClient {
	t.Helper()
	c, err := admin.NewClient(admin.UseBaseURL(s.srv.URL), admin.UseDigestAuth(public, private))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// oauthClient is the SDK client with the service account. The context carries an
// HTTP client so UseOAuthAuth leaves http.DefaultClient alone (it would otherwise
// replace DefaultClient's Transport). UseBaseURL must come first: UseOAuthAuth
// takes the token URL from the configured server.
func (s *sandbox) oauthClient(t *testing.T) *admin.APIClient {
	t.Helper()
	sa := s.world.ServiceAccount()
	ctx := context.WithValue(context.Background(), auth.HTTPClient, &http.Client{Transport: s.srv.Client().Transport})
	c, err := admin.NewClient(admin.UseBaseURL(s.srv.URL), admin.UseOAuthAuth(ctx, sa.ClientID, sa.Secret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantAPIError asserts err is an Atlas error with the given status and code, through
// the SDK's own helpers.
func wantAPIError(t *testing.T, err error, status int, code string) *admin.ApiError {
	t.Helper()
	if err == nil {
		t.Fatalf("want %d %s, got success", status, code)
	}
	if !admin.IsErrorCode(err, code) {
		t.Fatalf("want error code %s, got %v", code, err)
	}
	e, ok := admin.AsError(err)
	if !ok || e.GetError() != status {
		t.Fatalf("want HTTP %d, got %v", status, err)
	}
	return e
}
